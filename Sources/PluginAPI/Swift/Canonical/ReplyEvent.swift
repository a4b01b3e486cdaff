/// One step of a reply, as responders produce it and providers encode it.
///
/// A well-formed reply for one choice is: its reasoning, if any (`.reasoning`,
/// `.redactedReasoning`), then any mix of `.text` and tool-call events, then one `.finish`. The
/// host appends one `.usage` after the last `.finish`. An `.error` ends the reply.
/// An embedding request's reply is `.embedding` events instead of text; the host computes the
/// vectors the responder leaves out.
@nonexhaustive(warn)
public enum ReplyEvent: Sendable, Hashable {
    /// A piece of the reply text.
    case text(String)
    /// A new tool call begins. `index` counts calls within the choice from 0.
    case toolCallStart(index: Int, id: String, name: String)
    /// A fragment of the JSON arguments of the call at `index`.
    case toolCallArguments(index: Int, fragment: String)
    /// The choice is complete.
    case finish(FinishReason)
    /// Token counts for the whole reply.
    case usage(Usage)
    /// The reply failed.
    case error(ReplyError)
    /// The embedding vector of input `index`, for requests whose `replyKind` is `.embeddings`.
    case embedding(index: Int, vector: [Double])
    /// A piece of the model's reasoning (its thinking), which comes before the reply's text and
    /// calls. Providers show it in their own shape (Anthropic `thinking` blocks, Responses
    /// `reasoning` items, Gemini thought parts, Ollama's `thinking`), or only count it.
    case reasoning(String)
    /// Reasoning a provider shows only as opaque data (Anthropic's `redacted_thinking`).
    case redactedReasoning(data: String)
}

/// Why a choice ended.
@nonexhaustive(warn)
public enum FinishReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// The reply is complete.
    case stop
    /// The length limit was reached.
    case length
    /// The reply is a set of tool calls.
    case toolCalls = "tool_calls"
    /// The reply was filtered.
    case contentFilter = "content_filter"
}

/// Token counts for one reply.
public struct Usage: Sendable, Hashable, Codable {
    /// Tokens in the request.
    public var promptTokens: Int
    /// Tokens in the reply, over every choice.
    public var completionTokens: Int
    /// Prompt tokens served from a cache (0 unless a fixture says otherwise).
    public var cachedTokens: Int
    /// Completion tokens spent on reasoning (0 unless a fixture says otherwise).
    public var reasoningTokens: Int

    /// Prompt and completion tokens together.
    public var totalTokens: Int { promptTokens + completionTokens }

    /// Creates token counts.
    public init(promptTokens: Int, completionTokens: Int, cachedTokens: Int = 0, reasoningTokens: Int = 0) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cachedTokens = cachedTokens
        self.reasoningTokens = reasoningTokens
    }

    enum CodingKeys: String, CodingKey {
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        case cachedTokens = "cached_tokens"
        case reasoningTokens = "reasoning_tokens"
    }
}
