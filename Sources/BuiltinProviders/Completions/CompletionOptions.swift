import LyrebirdPluginAPI

/// What a legacy completions request asks of the reply's form, read back from the canonical
/// request its decoder made: one user message per prompt, `choiceCount` = prompts × `n`.
struct CompletionOptions {
    /// The prompts, in order.
    let prompts: [String]
    /// Choices per prompt.
    let samples: Int
    /// Whether each choice's text starts with its prompt.
    let echo: Bool
    /// How many `top_logprobs` per token, or `nil` when the request wants no log probabilities.
    let logprobs: Int?
    let stops: [String]
    let maxTokens: Int?

    init(_ request: CanonicalRequest) {
        prompts = request.messages.map(\.text)
        samples = max(1, request.choiceCount / max(1, prompts.count))
        echo = request.body["echo"]?.boolValue == true
        logprobs = request.body["logprobs"]?.intValue
        stops = request.sampling.stop
        maxTokens = request.sampling.maxTokens
    }

    /// The prompt that choice `index` completes: choices run prompt by prompt, `samples` each.
    func prompt(ofChoice index: Int) -> String {
        prompts.isEmpty ? "" : prompts[min(index / samples, prompts.count - 1)]
    }
}
