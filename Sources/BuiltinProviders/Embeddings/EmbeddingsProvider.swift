import LyrebirdPluginAPI

/// OpenAI embeddings: `POST /v1/embeddings`, one vector per input, as float arrays or base64.
///
/// The vectors come from the reply: pinned by a fixture, given by a responder, or computed by
/// the host for the inputs the reply leaves out. Embeddings never stream.
public struct EmbeddingsProvider: Provider {
    public let name = "openai.embeddings"
    public let routes =
        [ProviderRoute(method: .post, path: "/v1/embeddings", operation: "embeddings", transports: [.http])]
        + AzureOpenAI.routes(
            like: ProviderRoute(method: .post, path: "", operation: "embeddings", transports: [.http]), suffix: "/embeddings",
            deployments: true)
    public let models = ["text-embedding-3-small", "text-embedding-3-large", "text-embedding-ada-002"]

    public init() {}

    public func decode(_ request: WireRequest, route: ProviderRoute) throws(ReplyError) -> CanonicalRequest {
        try EmbeddingsRequestDecoder.decode(request, operation: route.operation)
    }

    /// `{"object":"list","data":[{"object":"embedding","index":0,"embedding":...}],"model":...,
    /// "usage":{"prompt_tokens":...,"total_tokens":...}}`, written in place: a reply of 2048
    /// vectors of 3072 numbers is one buffer and no intermediate values.
    public func encode(_ reply: CompletedReply, for request: CanonicalRequest, context: ReplyContext) -> WireResponse {
        let base64 = EmbeddingsRequestDecoder.wantsBase64(request)
        let numbers = reply.embeddings.reduce(0) { $0 + $1.count }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(128 + reply.embeddings.count * 48 + numbers * (base64 ? 6 : 13))
        bytes += Self.listStart
        for (index, vector) in reply.embeddings.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes += Self.itemStart
            JSONWriter.appendInteger(index, to: &bytes)
            bytes += Self.embeddingKey
            if base64 {
                EmbeddingVectorWriter.appendBase64(vector, to: &bytes)
            } else {
                EmbeddingVectorWriter.appendFloats(vector, to: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
        }
        bytes += Self.modelKey
        JSONWriter.appendString(context.model, to: &bytes)
        bytes += Self.promptTokensKey
        JSONWriter.appendInteger(reply.usage.promptTokens, to: &bytes)
        bytes += Self.totalTokensKey
        JSONWriter.appendInteger(reply.usage.totalTokens, to: &bytes)
        bytes += Self.end
        return WireResponse(status: 200, body: bytes)
    }

    public func makeStreamEncoder(for request: CanonicalRequest, context: ReplyContext) -> any StreamEncoder {
        OneBodyStreamEncoder()
    }

    /// OpenAI's `x-ratelimit-*` headers, for a key whose plan limits it.
    public func rateLimitHeaders(_ figures: RateLimitFigures) -> [Header] {
        OpenAIRateLimitHeaders.headers(figures)
    }

    public func encode(_ error: ReplyError, for request: CanonicalRequest?, context: ReplyContext) -> WireResponse {
        OpenAIErrorEncoding.response(for: error)
    }

    private static let listStart = Array(#"{"object":"list","data":["#.utf8)
    private static let itemStart = Array(#"{"object":"embedding","index":"#.utf8)
    private static let embeddingKey = Array(#","embedding":"#.utf8)
    private static let modelKey = Array(#"],"model":"#.utf8)
    private static let promptTokensKey = Array(#","usage":{"prompt_tokens":"#.utf8)
    private static let totalTokensKey = Array(#","total_tokens":"#.utf8)
    private static let end = Array("}}".utf8)
}
