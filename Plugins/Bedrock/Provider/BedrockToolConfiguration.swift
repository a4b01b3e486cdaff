import LyrebirdPluginAPI

/// A Converse request's `toolConfig`: `tools` (each a `toolSpec` with `name`, `description` and
/// `inputSchema.json`; cache points and system tools have no canonical form and stay in the
/// body) and `toolChoice`: `{"auto": {}}`, `{"any": {}}` (a call is required) or
/// `{"tool": {"name"}}`.
struct BedrockToolConfiguration {
    private(set) var tools: [ToolDefinition] = []
    private(set) var choice: ToolChoice = .auto

    init(_ config: BedrockObject?) throws(ReplyError) {
        guard let config else { return }
        let entries = try config.requiredObjects("tools")
        guard !entries.isEmpty else {
            throw BedrockErrors.constraint(
                config.path(of: "tools"), value: .array([]), "Member must have length greater than or equal to 1")
        }
        for entry in entries {
            guard let spec = try entry.object("toolSpec") else { continue }
            let name = try Self.checkedName(spec.requiredString("name"), path: spec.path(of: "name"))
            let schema = try spec.requiredObject("inputSchema")
            tools.append(ToolDefinition(name: name, description: try spec.string("description"), parameters: schema["json"]))
        }
        if let choice = try config.object("toolChoice") {
            self.choice = try Self.choice(choice)
        }
    }

    private static func choice(_ choice: BedrockObject) throws(ReplyError) -> ToolChoice {
        let member = try BedrockConversation.member(of: choice)
        switch member {
        case "auto": return .auto
        case "any": return .required
        case "tool":
            let tool = try choice.requiredObject("tool")
            return .function(name: try checkedName(tool.requiredString("name"), path: tool.path(of: "name")))
        default:
            throw BedrockErrors.constraint(
                choice.path(of: member), value: nil, "Member must be one of the ToolChoice members: auto, any, tool")
        }
    }

    /// A tool's name: 1 to 64 letters, digits, `_` and `-`, as Bedrock requires.
    static func checkedName(_ name: String, path: String) throws(ReplyError) -> String {
        guard (1...64).contains(name.utf8.count) else {
            throw BedrockErrors.constraint(path, value: .string(name), "Member must have length between 1 and 64")
        }
        guard name.utf8.allSatisfy({ isWordByte($0) || $0 == UInt8(ascii: "-") }) else {
            throw BedrockErrors.constraint(path, value: .string(name), "Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+")
        }
        return name
    }

    /// A tool use's id: 1 to 64 letters, digits, `_`, `.`, `:` and `-`.
    static func checkedID(_ id: String, path: String) throws(ReplyError) -> String {
        guard (1...64).contains(id.utf8.count) else {
            throw BedrockErrors.constraint(path, value: .string(id), "Member must have length between 1 and 64")
        }
        guard id.utf8.allSatisfy({ isWordByte($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: ":") })
        else {
            throw BedrockErrors.constraint(path, value: .string(id), "Member must satisfy regular expression pattern: [a-zA-Z0-9_.:-]+")
        }
        return id
    }

    /// ASCII letters, digits and `_`.
    private static func isWordByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
    }
}
