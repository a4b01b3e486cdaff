/// One turn of a conversation.
public struct Message: Sendable, Hashable, Codable {
    /// Who speaks.
    @nonexhaustive(warn)
    public enum Role: String, Sendable, Hashable, Codable, CaseIterable {
        /// The roles, as the OpenAI chat API names them: `system` and `developer` instructions, the
        /// `user`, the `assistant` (the model), and `tool` results.
        case system, developer, user, assistant, tool
    }

    /// Who speaks.
    public var role: Role
    /// The content parts; a plain-text message has one `.text` part.
    public var content: [ContentPart]
    /// The participant name the client gave, if any.
    public var name: String?
    /// Tool calls the assistant made in this turn.
    public var toolCalls: [ToolCall]
    /// For `tool` messages: the id of the call this message answers.
    public var toolCallID: String?

    /// Creates a message.
    public init(
        role: Role,
        content: [ContentPart],
        name: String? = nil,
        toolCalls: [ToolCall] = [],
        toolCallID: String? = nil
    ) {
        self.role = role
        self.content = content
        self.name = name
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
    }

    /// A message with one text part.
    public init(role: Role, text: String) {
        self.init(role: role, content: [.text(text)])
    }

    /// The text parts joined with newlines.
    public var text: String {
        var result = ""
        for part in content {
            guard case .text(let text) = part else { continue }
            if !result.isEmpty { result += "\n" }
            result += text
        }
        return result
    }

    enum CodingKeys: String, CodingKey {
        case role, content, name
        case toolCalls = "tool_calls"
        case toolCallID = "tool_call_id"
    }

    // Written out so that a message written by hand (a C provider's decode) may leave out
    // `tool_calls` when it has none.
    /// Decodes the JSON form: `role` and `content` are required, the rest optional.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            role: try container.decode(Role.self, forKey: .role),
            content: try container.decode([ContentPart].self, forKey: .content),
            name: try container.decodeIfPresent(String.self, forKey: .name),
            toolCalls: try container.decodeIfPresent([ToolCall].self, forKey: .toolCalls) ?? [],
            toolCallID: try container.decodeIfPresent(String.self, forKey: .toolCallID))
    }
}

/// One part of a message's content.
@nonexhaustive(warn)
public enum ContentPart: Sendable, Hashable, Codable {
    /// Plain text.
    case text(String)
    /// An image, by URL (a `data:` URL for inline images).
    case image(url: String)
    /// Any other part (audio, file, ...), kept as the client sent it.
    case other(type: String, value: JSONValue)

    enum CodingKeys: String, CodingKey {
        case type, text, url, value
    }

    /// Decodes `{"type": "text", "text"}`, `{"type": "image", "url"}`, or any other
    /// `{"type", "value"}` as ``other(type:value:)``.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        // A part of another kind may carry the type name of a known one (a provider keeping a
        // part it could not read as text); its `value` says which it is.
        switch type {
        case "text" where !container.contains(.value): self = .text(try container.decode(String.self, forKey: .text))
        case "image" where !container.contains(.value): self = .image(url: try container.decode(String.self, forKey: .url))
        default: self = .other(type: type, value: try container.decode(JSONValue.self, forKey: .value))
        }
    }

    /// Encodes the same forms that `init(from:)` reads.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .text(let text):
            try container.encode("text", forKey: .type)
            try container.encode(text, forKey: .text)
        case .image(let url):
            try container.encode("image", forKey: .type)
            try container.encode(url, forKey: .url)
        case .other(let type, let value):
            try container.encode(type, forKey: .type)
            try container.encode(value, forKey: .value)
        }
    }
}

/// A call to a tool, as made by the assistant.
public struct ToolCall: Sendable, Hashable, Codable {
    /// The call's id, which the `tool` message answering it repeats as its `toolCallID`.
    public var id: String
    /// The name of the tool called.
    public var name: String
    /// The arguments as JSON text, exactly as they travel on the wire.
    public var arguments: String

    /// Creates a tool call.
    public init(id: String, name: String, arguments: String) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}
