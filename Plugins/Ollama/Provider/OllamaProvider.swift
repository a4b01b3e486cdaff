import Foundation
import LyrebirdPluginAPI

/// Ollama's native API at the root: `POST /api/chat` and `POST /api/generate`, streamed as
/// newline-delimited JSON unless the request says `"stream": false`; embeddings,
/// `POST /api/embed` and the older `POST /api/embeddings`; and the local models, `GET /api/tags`,
/// `POST /api/show` and the running ones, `GET /api/ps`, which the provider answers itself,
/// without fixtures.
public struct OllamaProvider: Provider {
    static let chat = "chat"
    static let generate = "generate"
    static let embed = "embed"
    static let embeddings = "embeddings"
    static let tags = "tags"
    static let show = "show"
    static let ps = "ps"

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
        ProviderRoute(method: .post, path: "/api/embed", operation: embed, transports: [.http]),
        ProviderRoute(method: .post, path: "/api/embeddings", operation: embeddings, transports: [.http]),
        ProviderRoute(method: .get, path: "/api/tags", operation: tags, transports: [.http], answeredBy: .provider),
        ProviderRoute(method: .post, path: "/api/show", operation: show, transports: [.http], answeredBy: .provider),
        ProviderRoute(method: .get, path: "/api/ps", operation: ps, transports: [.http], answeredBy: .provider),
    ]
    public let models = offered.map(\.name)

    public init() {}

    public func decode(_ request: WireRequest, route: ProviderRoute) throws(ReplyError) -> CanonicalRequest {
        switch route.operation {
        case Self.generate: return try OllamaRequestDecoder.generate(request, operation: route.operation)
        case Self.embed: return try OllamaEmbeddingDecoder.embed(request, operation: route.operation)
        case Self.embeddings: return try OllamaEmbeddingDecoder.embeddings(request, operation: route.operation)
        default: return try OllamaRequestDecoder.chat(request, operation: route.operation)
        }
    }

    public func encode(_ reply: CompletedReply, for request: CanonicalRequest, context: ReplyContext) -> WireResponse {
        switch request.operation {
        case Self.embed: return OllamaEmbeddingWriter.embed(reply, model: context.model)
        case Self.embeddings: return OllamaEmbeddingWriter.embeddings(reply)
        default: break
        }
        let choice = reply.choices.first ?? CompletedReply.Choice(index: 0)
        var writer = JSONWriter(reservingCapacity: 512)
        Self.writer(for: request, context: context).writeLast(
            text: choice.text, thinking: choice.reasoning, toolCalls: choice.toolCalls, reason: choice.finishReason,
            usage: reply.usage, into: &writer)
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
        switch route.operation {
        case Self.show:
            do throws(ReplyError) {
                return try list.show(request.body)
            } catch {
                return OllamaErrors.response(for: error)
            }
        case Self.ps:
            return list.running(now: Date(timeIntervalSince1970: TimeInterval(context.created)))
        default:
            return list.tags()
        }
    }

    private static func writer(for request: CanonicalRequest, context: ReplyContext) -> OllamaResponseWriter {
        OllamaResponseWriter(
            kind: request.operation == generate ? .generate : .chat, context: context, showsThinking: OllamaThinking.isOn(in: request))
    }
}
