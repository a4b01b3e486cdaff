import LyrebirdPluginAPI

/// What one embedding request may ask, as the real API limits it: 8,192 tokens an input and
/// 300,000 for the whole request, with the real API's errors. Clients' batching meets the same
/// refusals it would in production, and computing the vectors costs a bounded time.
enum EmbeddingInputLimits {
    static let tokensPerInput = 8_192
    static let tokensPerRequest = 300_000

    /// Refuses an embedding request over either limit; other requests pass.
    static func check(_ request: CanonicalRequest) throws(ReplyError) {
        guard case .embeddings = request.replyKind else { return }
        var total = 0
        for message in request.messages {
            let tokens = TokenCounter.count(message.text)
            guard tokens <= tokensPerInput else {
                throw ReplyError(
                    status: 400,
                    message: "This model's maximum context length is \(tokensPerInput) tokens, however you requested \(tokens) tokens "
                        + "(\(tokens) in your prompt; 0 for the completion). Please reduce your prompt; or completion length.",
                    type: "invalid_request_error")
            }
            total += tokens
        }
        guard total <= tokensPerRequest else {
            throw ReplyError(
                status: 400, message: "Requested \(total) tokens, max \(tokensPerRequest) tokens per request",
                type: "max_tokens_per_request", code: "max_tokens_per_request")
        }
    }
}
