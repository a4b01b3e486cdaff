import LyrebirdPluginAPI

/// OpenAI chat completions: `POST /v1/chat/completions`, whole or streamed, and the same
/// requests over a WebSocket connection to `/v1/chat`, their chunks in Lyrebird's envelope
/// (`chat.request`, `chat.chunk`, `chat.done`).
public struct ChatCompletionsProvider: Provider {
    public let name = "openai.chat_completions"
    public let routes =
        [
            ProviderRoute(method: .post, path: "/v1/chat/completions", operation: "chat.completions"),
            ProviderRoute(
                method: .get, path: "/v1/chat", operation: "chat.completions", transports: [.websocket],
                webSocketFraming: .envelope(prefix: "chat")),
        ]
        + AzureOpenAI.routes(
            like: ProviderRoute(method: .post, path: "", operation: "chat.completions"), suffix: "/chat/completions", deployments: true)
    public let models = ["gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "o3", "o4-mini", "gpt-3.5-turbo"]

    public init() {}

    public func decode(_ request: WireRequest, route: ProviderRoute) throws(ReplyError) -> CanonicalRequest {
        try ChatCompletionsRequestDecoder.decode(request, operation: route.operation)
    }

    public func encode(_ reply: CompletedReply, for request: CanonicalRequest, context: ReplyContext) -> WireResponse {
        let logprobs = ChatCompletionsRequestDecoder.requestedLogprobs(request)
        if let top = logprobs {
            var volume = LogprobsVolume()
            guard reply.choices.allSatisfy({ volume.admit($0.text[...], top: top) }) else {
                return OpenAIErrorEncoding.response(for: LogprobsVolume.exceeded)
            }
        }
        var writer = JSONWriter(reservingCapacity: 512)
        writer.object { writer in
            writer.member("id", "chatcmpl-" + context.idSuffix)
            writer.member("object", "chat.completion")
            writer.member("created", context.created)
            writer.member("model", context.model)
            writer.member(
                "choices",
                array: { writer in
                    for choice in reply.choices { Self.writeChoice(choice, logprobs: logprobs, into: &writer) }
                })
            writer.key("usage")
            Self.writeUsage(reply.usage, into: &writer)
            writer.member("service_tier", "default")
            writer.member("system_fingerprint", context.systemFingerprint)
        }
        return WireResponse(status: 200, body: writer.bytes)
    }

    public func makeStreamEncoder(for request: CanonicalRequest, context: ReplyContext) -> any StreamEncoder {
        ChatCompletionsStreamEncoder(
            context: context, includeUsage: request.includeUsage, logprobs: ChatCompletionsRequestDecoder.requestedLogprobs(request))
    }

    /// OpenAI's `x-ratelimit-*` headers, for a key whose plan limits it.
    public func rateLimitHeaders(_ figures: RateLimitFigures) -> [Header] {
        OpenAIRateLimitHeaders.headers(figures)
    }

    public func encode(_ error: ReplyError, for request: CanonicalRequest?, context: ReplyContext) -> WireResponse {
        OpenAIErrorEncoding.response(for: error)
    }

    /// - Parameter logprobs: The number of `top_logprobs` per token, or `nil` for none at all.
    private static func writeChoice(_ choice: CompletedReply.Choice, logprobs: Int?, into writer: inout JSONWriter) {
        writer.object { writer in
            writer.member("index", choice.index)
            writer.member(
                "message",
                object: { writer in
                    writer.member("role", "assistant")
                    writer.member("content", choice.toolCalls.isEmpty || !choice.text.isEmpty ? choice.text : nil)
                    writer.nullMember("refusal")
                    writer.member("annotations", array: { _ in })
                    if !choice.toolCalls.isEmpty {
                        writer.member(
                            "tool_calls",
                            array: { writer in
                                for call in choice.toolCalls {
                                    writer.object { writer in
                                        writer.member("id", call.id)
                                        writer.member("type", "function")
                                        writer.member(
                                            "function",
                                            object: { writer in
                                                writer.member("name", call.name)
                                                writer.member("arguments", call.arguments)
                                            })
                                    }
                                }
                            })
                    }
                })
            if let top = logprobs {
                writer.member(
                    "logprobs",
                    object: { writer in
                        writer.key("content")
                        TokenLogprobs.writeContent(TokenLogprobs.tokens(of: choice.text[...], from: 0, top: top), into: &writer)
                        writer.nullMember("refusal")
                    })
            } else {
                writer.nullMember("logprobs")
            }
            writer.member("finish_reason", choice.finishReason.rawValue)
        }
    }

    static func writeUsage(_ usage: Usage, into writer: inout JSONWriter) {
        writer.object { writer in
            writer.member("prompt_tokens", usage.promptTokens)
            writer.member("completion_tokens", usage.completionTokens)
            writer.member("total_tokens", usage.totalTokens)
            writer.member(
                "prompt_tokens_details",
                object: { writer in
                    writer.member("cached_tokens", usage.cachedTokens)
                    writer.member("audio_tokens", 0)
                })
            writer.member(
                "completion_tokens_details",
                object: { writer in
                    writer.member("reasoning_tokens", usage.reasoningTokens)
                    writer.member("audio_tokens", 0)
                    writer.member("accepted_prediction_tokens", 0)
                    writer.member("rejected_prediction_tokens", 0)
                })
        }
    }
}
