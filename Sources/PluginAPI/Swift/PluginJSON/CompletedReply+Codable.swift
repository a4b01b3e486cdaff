/// The stable JSON form of a completed reply, as it crosses the plugin ABI:
///
/// ```json
/// {"choices": [{"index": 0, "text": "Hi", "tool_calls": [{"id": "call_1", "name": "f", "arguments": "{}"}],
///               "finish_reason": "stop", "reasoning": "First, ...", "redacted_reasoning": ["EqQB..."]}],
///  "usage": {"prompt_tokens": 3, "completion_tokens": 1, "cached_tokens": 0, "reasoning_tokens": 0}}
/// ```
///
/// An embedding reply also has `"embeddings": [[0.1, ...], ...]`, one vector per input. A choice
/// has `reasoning` and `redacted_reasoning` only when the reply reasoned.
extension CompletedReply: Codable {
    enum CodingKeys: String, CodingKey {
        case choices, usage, embeddings
    }

    /// Decodes the form above; `embeddings` may be absent.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            choices: try container.decode([Choice].self, forKey: .choices),
            usage: try container.decode(Usage.self, forKey: .usage),
            embeddings: try container.decodeIfPresent([[Double]].self, forKey: .embeddings) ?? [])
    }

    /// Encodes the form above.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(choices, forKey: .choices)
        try container.encode(usage, forKey: .usage)
        if !embeddings.isEmpty { try container.encode(embeddings, forKey: .embeddings) }
    }
}

extension CompletedReply.Choice: Codable {
    enum CodingKeys: String, CodingKey {
        case index, text
        case toolCalls = "tool_calls"
        case finishReason = "finish_reason"
        case reasoning
        case redactedReasoning = "redacted_reasoning"
    }

    /// Decodes `{"index", "text", "tool_calls", "finish_reason"}` and, when present,
    /// `reasoning` and `redacted_reasoning`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            index: try container.decodeIfPresent(Int.self, forKey: .index) ?? 0,
            text: try container.decodeIfPresent(String.self, forKey: .text) ?? "",
            toolCalls: try container.decodeIfPresent([ToolCall].self, forKey: .toolCalls) ?? [],
            finishReason: try container.decodeIfPresent(FinishReason.self, forKey: .finishReason) ?? .stop,
            reasoning: try container.decodeIfPresent(String.self, forKey: .reasoning) ?? "",
            redactedReasoning: try container.decodeIfPresent([String].self, forKey: .redactedReasoning) ?? [])
    }

    /// Encodes `{"index", "text", "tool_calls", "finish_reason"}`, with the reasoning when there is some.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(index, forKey: .index)
        try container.encode(text, forKey: .text)
        try container.encode(toolCalls, forKey: .toolCalls)
        try container.encode(finishReason, forKey: .finishReason)
        if !reasoning.isEmpty { try container.encode(reasoning, forKey: .reasoning) }
        if !redactedReasoning.isEmpty { try container.encode(redactedReasoning, forKey: .redactedReasoning) }
    }
}
