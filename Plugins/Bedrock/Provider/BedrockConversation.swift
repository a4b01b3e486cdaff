import LyrebirdPluginAPI

/// Turns a Converse request's `system` and `messages` into canonical messages.
///
/// - `system` blocks' texts are one `system` message, a part per block.
/// - `user` and `assistant` messages keep their role; an assistant's `toolUse` blocks are its
///   tool calls (`input` as JSON text).
/// - Each `toolResult` block of a user message is a `tool` message of its own, before the rest
///   of that message, answering the call with its `toolUseId`: its `text` items as text, its
///   `json` items as JSON text.
/// - `image` blocks with `bytes` are image parts (`data:image/<format>;base64,...`); every other
///   block (documents, video, audio, guard content, cache points, reasoning) is kept as a part
///   of its own kind, named after its member. Reasoning sent back is checked for its shape only:
///   it is never text that conditions test.
struct BedrockConversation {
    private(set) var messages: [Message] = []

    init(system: [BedrockObject], messages: [BedrockObject]) throws(ReplyError) {
        var texts: [ContentPart] = []
        for block in system {
            if let text = try block.string("text") { texts.append(.text(text)) }
        }
        if !texts.isEmpty { self.messages.append(Message(role: .system, content: texts)) }
        for message in messages {
            try add(message)
        }
    }

    private mutating func add(_ message: BedrockObject) throws(ReplyError) {
        let role: Message.Role
        switch try message.requiredString("role") {
        case "user": role = .user
        case "assistant": role = .assistant
        case let other:
            throw BedrockErrors.constraint(
                message.path(of: "role"), value: .string(other), "Member must satisfy enum value set: [user, assistant]")
        }
        let blocks = try message.requiredObjects("content")
        guard !blocks.isEmpty else {
            throw BedrockErrors.validation(
                "The content field in the Message object at \(message.path) is empty. Add a ContentBlock object to the content field and try again.",
                path: message.path(of: "content"))
        }
        var parts: [ContentPart] = []
        var toolCalls: [ToolCall] = []
        var toolResults: [Message] = []
        for block in blocks {
            let member = try Self.member(of: block)
            switch member {
            case "text":
                let text = try block.requiredString("text")
                guard text.contains(where: { !$0.isWhitespace }) else {
                    throw BedrockErrors.validation(
                        "The text field in the ContentBlock object at \(block.path) is blank. Add text to the text field, and try again.",
                        path: block.path(of: "text"))
                }
                parts.append(.text(text))
            case "image":
                parts.append(try Self.image(block.requiredObject("image")) ?? .other(type: "image", value: .object(block.members)))
            case "toolUse":
                guard role == .assistant else { throw Self.misplaced("toolUse", block, role: "assistant") }
                toolCalls.append(try Self.toolCall(block.requiredObject("toolUse")))
            case "toolResult":
                guard role == .user else { throw Self.misplaced("toolResult", block, role: "user") }
                toolResults.append(try Self.toolResult(block.requiredObject("toolResult")))
            case "reasoningContent":
                try Self.checkReasoning(block.requiredObject("reasoningContent"))
                parts.append(.other(type: member, value: .object(block.members)))
            default:
                parts.append(.other(type: member, value: .object(block.members)))
            }
        }
        messages += toolResults
        if !parts.isEmpty || !toolCalls.isEmpty || toolResults.isEmpty {
            messages.append(Message(role: role, content: parts, toolCalls: toolCalls))
        }
    }

    /// The one member a content block (a union) sets.
    static func member(of block: BedrockObject) throws(ReplyError) -> String {
        let set = block.setMembers
        guard set.count == 1 else {
            let found = set.isEmpty ? "none" : set.joined(separator: ", ")
            throw BedrockErrors.validation(
                "1 validation error detected: Value at '\(block.path)' failed to satisfy constraint: Member must have exactly one member set (found: \(found))",
                path: block.path)
        }
        return set[0]
    }

    private static func misplaced(_ member: String, _ block: BedrockObject, role: String) -> ReplyError {
        BedrockErrors.validation(
            "The \(member) block at \(block.path) is only allowed in a message whose role is \(role).", path: block.path(of: member))
    }

    private static func toolCall(_ use: BedrockObject) throws(ReplyError) -> ToolCall {
        ToolCall(
            id: try BedrockToolConfiguration.checkedID(use.requiredString("toolUseId"), path: use.path(of: "toolUseId")),
            name: try use.requiredString("name"),
            arguments: try use.required("input").serialized)
    }

    private static func toolResult(_ result: BedrockObject) throws(ReplyError) -> Message {
        let id = try BedrockToolConfiguration.checkedID(result.requiredString("toolUseId"), path: result.path(of: "toolUseId"))
        let items = try result.requiredObjects("content")
        var content: [ContentPart] = []
        for item in items {
            let member = try member(of: item)
            switch member {
            case "text": content.append(.text(try item.requiredString("text")))
            case "json": content.append(.text(try item.required("json").serialized))
            case "image": content.append(try image(item.requiredObject("image")) ?? .other(type: "image", value: .object(item.members)))
            default: content.append(.other(type: member, value: .object(item.members)))
            }
        }
        return Message(role: .tool, content: content, toolCallID: id)
    }

    /// A `reasoningContent` block: either `reasoningText` with its `text` (and the `signature`
    /// the reply gave it) or `redactedContent`.
    private static func checkReasoning(_ reasoning: BedrockObject) throws(ReplyError) {
        guard try member(of: reasoning) == "reasoningText" else { return }
        let text = try reasoning.requiredObject("reasoningText")
        _ = try text.requiredString("text")
        _ = try text.string("signature")
    }

    /// An image given as bytes (base64 in JSON), as a `data:` URL; `nil` for other sources.
    private static func image(_ image: BedrockObject) throws(ReplyError) -> ContentPart? {
        let format = try image.requiredString("format")
        guard let bytes = try image.object("source")?.string("bytes") else { return nil }
        return .image(url: "data:image/\(format);base64,\(bytes)")
    }
}
