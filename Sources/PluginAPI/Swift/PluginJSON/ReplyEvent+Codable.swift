/// The stable JSON form of a reply event, as it crosses the plugin ABI:
///
/// ```json
/// {"type": "text", "text": "Hi"}
/// {"type": "tool_call_start", "index": 0, "id": "call_1", "name": "get_weather"}
/// {"type": "tool_call_arguments", "index": 0, "fragment": "{\"city\":"}
/// {"type": "finish", "reason": "stop"}
/// {"type": "usage", "usage": {"prompt_tokens": 3, "completion_tokens": 5}}
/// {"type": "error", "error": {"status": 429, "message": "slow down"}}
/// {"type": "embedding", "index": 0, "vector": [0.12, -0.03]}
/// {"type": "reasoning", "text": "The user wants..."}
/// {"type": "redacted_reasoning", "data": "EqQBCkYIARgC..."}
/// ```
extension ReplyEvent: Codable {
    enum CodingKeys: String, CodingKey {
        case type, text, index, id, name, fragment, reason, usage, error, vector, data
    }

    /// Decodes an event's JSON form (`{"type": "text", "text"}`, ...; see the list above).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "text":
            self = .text(try container.decode(String.self, forKey: .text))
        case "tool_call_start":
            self = .toolCallStart(
                index: try container.decodeIfPresent(Int.self, forKey: .index) ?? 0,
                id: try container.decode(String.self, forKey: .id),
                name: try container.decode(String.self, forKey: .name))
        case "tool_call_arguments":
            self = .toolCallArguments(
                index: try container.decodeIfPresent(Int.self, forKey: .index) ?? 0,
                fragment: try container.decode(String.self, forKey: .fragment))
        case "finish":
            self = .finish(try container.decodeIfPresent(FinishReason.self, forKey: .reason) ?? .stop)
        case "usage":
            self = .usage(try container.decode(Usage.self, forKey: .usage))
        case "error":
            self = .error(try container.decode(PluginReplyError.self, forKey: .error).error)
        case "embedding":
            self = .embedding(
                index: try container.decodeIfPresent(Int.self, forKey: .index) ?? 0,
                vector: try container.decode([Double].self, forKey: .vector))
        case "reasoning":
            self = .reasoning(try container.decode(String.self, forKey: .text))
        case "redacted_reasoning":
            self = .redactedReasoning(data: try container.decode(String.self, forKey: .data))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container,
                debugDescription:
                    "unknown event type \(type.debugDescription) (expected text, tool_call_start, tool_call_arguments, finish, usage, error, embedding, reasoning or redacted_reasoning)"
            )
        }
    }

    /// Encodes the event's JSON form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .text(let text):
            try container.encode("text", forKey: .type)
            try container.encode(text, forKey: .text)
        case .toolCallStart(let index, let id, let name):
            try container.encode("tool_call_start", forKey: .type)
            try container.encode(index, forKey: .index)
            try container.encode(id, forKey: .id)
            try container.encode(name, forKey: .name)
        case .toolCallArguments(let index, let fragment):
            try container.encode("tool_call_arguments", forKey: .type)
            try container.encode(index, forKey: .index)
            try container.encode(fragment, forKey: .fragment)
        case .finish(let reason):
            try container.encode("finish", forKey: .type)
            try container.encode(reason, forKey: .reason)
        case .usage(let usage):
            try container.encode("usage", forKey: .type)
            try container.encode(usage, forKey: .usage)
        case .error(let error):
            try container.encode("error", forKey: .type)
            try container.encode(error, forKey: .error)
        case .embedding(let index, let vector):
            try container.encode("embedding", forKey: .type)
            try container.encode(index, forKey: .index)
            try container.encode(vector, forKey: .vector)
        case .reasoning(let text):
            try container.encode("reasoning", forKey: .type)
            try container.encode(text, forKey: .text)
        case .redactedReasoning(let data):
            try container.encode("redacted_reasoning", forKey: .type)
            try container.encode(data, forKey: .data)
        }
    }
}
