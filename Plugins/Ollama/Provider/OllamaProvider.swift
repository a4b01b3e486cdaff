import LyrebirdPluginAPI

/// Ollama's native API at the root: `POST /api/chat` and `POST /api/generate`, streamed as
/// newline-delimited JSON unless the request says `"stream": false`, and the local model list,
/// `GET /api/tags` and `POST /api/show`, which the provider answers itself, without fixtures.
public struct OllamaProvider: Provider {
    static let chat = "chat"
    static let generate = "generate"
    static let tags = "tags"
    static let show = "show"

    /// The models the provider offers, with their parameter sizes.
    static let offered = [
        (name: "llama3.2:latest", parameterSize: "3.2B"),
        (name: "llama3.1:latest", parameterSize: "8.0B"),
        (name: "qwen2.5:latest", parameterSize: "7.6B"),
        (name: "mistral:latest", parameterSize: "7.2B"),
        (name: "gemma3:latest", parameterSize: "4.3B"),
    ]

    public let name = "ollama"
    // The stream flag is the request's own; `.sse` marks the routes that may stream, in NDJSON.
    public let routes = [
        ProviderRoute(method: .post, path: "/api/chat", operation: chat),
        ProviderRoute(method: .post, path: "/api/generate", operation: generate),
        ProviderRoute(method: .get, path: "/api/tags", operation: tags, transports: [.http], answeredBy: .provider),
        ProviderRoute(method: .post, path: "/api/show", operation: show, transports: [.http], answeredBy: .provider),
    ]
    public let models = offered.map(\.name)

    public init() {}

    public func decode(_ request: WireRequest, route: ProviderRoute) throws(ReplyError) -> CanonicalRequest {
        route.operation == Self.generate
            ? try OllamaRequestDecoder.generate(request, operation: route.operation)
            : try OllamaRequestDecoder.chat(request, operation: route.operation)
    }

    public func encode(_ reply: CompletedReply, for request: CanonicalRequest, context: ReplyContext) -> WireResponse {
        let choice = reply.choices.first ?? CompletedReply.Choice(index: 0)
        var writer = JSONWriter(reservingCapacity: 512)
        Self.writer(for: request, context: context).writeLast(
            text: choice.text, toolCalls: choice.toolCalls, reason: choice.finishReason, usage: reply.usage, into: &writer)
        return WireResponse(status: 200, body: writer.bytes)
    }

    public func makeStreamEncoder(for request: CanonicalRequest, context: ReplyContext) -> any StreamEncoder {
        OllamaStreamEncoder(writer: Self.writer(for: request, context: context), promptTokens: context.promptTokens)
    }

    public func encode(_ error: ReplyError, for request: CanonicalRequest?, context: ReplyContext) -> WireResponse {
        OllamaErrors.response(for: error)
    }

    public func answer(_ request: WireRequest, route: ProviderRoute, host: HostInfo, context: ReplyContext) async -> WireResponse {
        let list = OllamaModelList(host: host, offered: Self.offered)
        guard route.operation == Self.show else { return list.tags() }
        do throws(ReplyError) {
            return try list.show(request.body)
        } catch {
            return OllamaErrors.response(for: error)
        }
    }

    private static func writer(for request: CanonicalRequest, context: ReplyContext) -> OllamaResponseWriter {
        OllamaResponseWriter(kind: request.operation == generate ? .generate : .chat, context: context)
    }
}
