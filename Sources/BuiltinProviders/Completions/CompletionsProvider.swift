import LyrebirdPluginAPI

/// OpenAI legacy completions: `POST /v1/completions`, whole or streamed, with `n`, several
/// prompts, `echo`, `stop`, `max_tokens` and `logprobs`.
public struct CompletionsProvider: Provider {
    public let name = "openai.completions"
    public let routes =
        [ProviderRoute(method: .post, path: "/v1/completions", operation: "completions")]
        + AzureOpenAI.routes(
            like: ProviderRoute(method: .post, path: "", operation: "completions"), suffix: "/completions", deployments: true)
    public let models = ["gpt-3.5-turbo-instruct", "davinci-002", "babbage-002"]

    public init() {}

    public func decode(_ request: WireRequest, route: ProviderRoute) throws(ReplyError) -> CanonicalRequest {
        try CompletionsRequestDecoder.decode(request, operation: route.operation)
    }

    public func encode(_ reply: CompletedReply, for request: CanonicalRequest, context: ReplyContext) -> WireResponse {
        let options = CompletionOptions(request)
        var usage = reply.usage
        var states: [CompletionChoiceState] = []
        states.reserveCapacity(reply.choices.count)
        var pieces: [CompletionPiece?] = []
        var volume = LogprobsVolume()
        do {
            for choice in reply.choices {
                var state = CompletionChoiceState(options: options, choice: choice.index)
                let text = try state.text(choice.text, volume: &volume)
                let end = try state.finish(choice.finishReason, volume: &volume)
                pieces.append(text.map { $0.followed(by: end) } ?? end)
                states.append(state)
            }
        } catch {
            return OpenAIErrorEncoding.response(for: error)
        }
        var writer = JSONWriter(reservingCapacity: 512)
        writer.object { writer in
            Self.writeHead(context, into: &writer)
            writer.member(
                "choices",
                array: { writer in
                    for (choice, piece) in zip(reply.choices, pieces) { piece?.write(index: choice.index, into: &writer) }
                })
            // The host counted the reply the responder gave; the text sent is shorter.
            if let tokens = CompletionChoiceState.completionTokens(of: states) { usage.completionTokens = tokens }
            writer.key("usage")
            Self.writeUsage(usage, into: &writer)
        }
        return WireResponse(status: 200, body: writer.bytes)
    }

    public func makeStreamEncoder(for request: CanonicalRequest, context: ReplyContext) -> any StreamEncoder {
        CompletionsStreamEncoder(
            context: context, options: CompletionOptions(request), choiceCount: request.choiceCount, includeUsage: request.includeUsage)
    }

    /// OpenAI's `x-ratelimit-*` headers, for a key whose plan limits it.
    public func rateLimitHeaders(_ figures: RateLimitFigures) -> [Header] {
        OpenAIRateLimitHeaders.headers(figures)
    }

    public func encode(_ error: ReplyError, for request: CanonicalRequest?, context: ReplyContext) -> WireResponse {
        OpenAIErrorEncoding.response(for: error)
    }

    /// `"id", "object", "created", "model", "system_fingerprint"`: the members every reply and
    /// every chunk starts with.
    static func writeHead(_ context: ReplyContext, into writer: inout JSONWriter) {
        writer.member("id", "cmpl-" + context.idSuffix)
        writer.member("object", "text_completion")
        writer.member("created", context.created)
        writer.member("model", context.model)
        writer.member("system_fingerprint", context.systemFingerprint)
    }

    static func writeUsage(_ usage: Usage, into writer: inout JSONWriter) {
        writer.object { writer in
            writer.member("prompt_tokens", usage.promptTokens)
            writer.member("completion_tokens", usage.completionTokens)
            writer.member("total_tokens", usage.totalTokens)
        }
    }
}
