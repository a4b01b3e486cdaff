import LyrebirdPluginAPI

/// Anthropic's Messages API: `POST /v1/messages`, whole or streamed, and
/// `POST /v1/messages/count_tokens`. The Messages API has no WebSocket mode of its own; the
/// messages route takes WebSocket connections in Lyrebird's envelope (`messages.request`,
/// `messages.chunk` with each stream event's data, `messages.done`), which is all a provider
/// needs to declare to get them.
public struct AnthropicMessagesProvider: Provider {
    /// The operation names the routes give canonical requests.
    static let messagesOperation = "messages"
    static let countTokensOperation = "messages.count_tokens"

    public let name = "anthropic.messages"
    public let routes = [
        ProviderRoute(method: .post, path: "/v1/messages", operation: messagesOperation, transports: [.http, .sse, .websocket]),
        ProviderRoute(method: .post, path: "/v1/messages/count_tokens", operation: countTokensOperation, transports: [.http]),
    ]

    public init() {}

    public func decode(_ request: WireRequest, route: ProviderRoute) throws(ReplyError) -> CanonicalRequest {
        try AnthropicRequestDecoder.decode(request, operation: route.operation, countOnly: route.operation == Self.countTokensOperation)
    }

    public func encode(_ reply: CompletedReply, for request: CanonicalRequest, context: ReplyContext) -> WireResponse {
        var writer = JSONWriter(reservingCapacity: 512)
        if request.operation == Self.countTokensOperation {
            writer.object { writer in writer.member("input_tokens", context.promptTokens) }
        } else {
            let choice = reply.choices.first ?? CompletedReply.Choice(index: 0)
            AnthropicMessageWriter.writeMessage(
                into: &writer, id: AnthropicMessageWriter.messageID(context), model: context.model,
                write: { writer in AnthropicMessageWriter.writeContent(of: choice, thinking: AnthropicThinking(request), into: &writer) },
                stopReason: AnthropicMessageWriter.stopReason(choice.finishReason),
                usage: { writer in AnthropicMessageWriter.writeUsage(reply.usage, into: &writer) })
        }
        return WireResponse(status: 200, headers: [Header(name: "request-id", value: context.requestID)], body: writer.bytes)
    }

    public func makeStreamEncoder(for request: CanonicalRequest, context: ReplyContext) -> any StreamEncoder {
        AnthropicStreamEncoder(context: context, thinking: AnthropicThinking(request))
    }

    /// Anthropic's `anthropic-ratelimit-*` headers, for a key whose plan limits it.
    public func rateLimitHeaders(_ figures: RateLimitFigures) -> [Header] {
        AnthropicRateLimitHeaders.headers(figures)
    }

    public func encode(_ error: ReplyError, for request: CanonicalRequest?, context: ReplyContext) -> WireResponse {
        AnthropicErrorEncoding.response(for: error, requestID: context.requestID)
    }
}
