import LyrebirdPluginAPI

/// OpenAI model listing: `GET /v1/models` and `GET /v1/models/{model}`, answered from the models
/// the host knows of (`settings.models`, the exact model ids fixtures match, and the models
/// providers offer), without fixtures.
public struct ModelsProvider: Provider {
    public let name = "openai.models"
    public let routes = [
        ProviderRoute(method: .get, path: "/v1/models", operation: "models.list", transports: [.http], answeredBy: .provider),
        ProviderRoute(method: .get, path: "/v1/models/{model}", operation: "models.retrieve", transports: [.http], answeredBy: .provider),
        // Azure OpenAI: the v1 API's, and where the `AzureOpenAI` client's base URL puts them.
        ProviderRoute(method: .get, path: "/openai/v1/models", operation: "models.list", transports: [.http], answeredBy: .provider),
        ProviderRoute(
            method: .get, path: "/openai/v1/models/{model}", operation: "models.retrieve", transports: [.http], answeredBy: .provider),
        ProviderRoute(method: .get, path: "/openai/models", operation: "models.list", transports: [.http], answeredBy: .provider),
        ProviderRoute(
            method: .get, path: "/openai/models/{model}", operation: "models.retrieve", transports: [.http], answeredBy: .provider),
    ]

    /// The `created` time every model reports: a fixed one, so listings compare equal from run
    /// to run (2023-11-14).
    static let created = 1_700_000_000

    public init() {}

    public func answer(_ request: WireRequest, route: ProviderRoute, host: HostInfo, context: ReplyContext) async -> WireResponse {
        var writer = JSONWriter(reservingCapacity: 64 + host.models.count * 96)
        guard let id = request.pathParameters["model"] else {
            writer.object { writer in
                writer.member("object", "list")
                writer.member(
                    "data",
                    array: { writer in
                        for model in host.models { Self.write(model, into: &writer) }
                    })
            }
            return WireResponse(status: 200, body: writer.bytes)
        }
        guard let model = host.models.first(where: { $0.id == id }) else {
            return OpenAIErrorEncoding.response(
                for: ReplyError(
                    status: 404, message: "The model '\(id)' does not exist or you do not have access to it.",
                    type: "invalid_request_error",
                    param: "model", code: "model_not_found"))
        }
        Self.write(model, into: &writer)
        return WireResponse(status: 200, body: writer.bytes)
    }

    private static func write(_ model: ModelListing, into writer: inout JSONWriter) {
        writer.object { writer in
            writer.member("id", model.id)
            writer.member("object", "model")
            writer.member("created", created)
            writer.member("owned_by", model.ownedBy)
        }
    }

    // The routes are answered above and never take the pipeline; the protocol still asks for
    // the pipeline's half, which says so if a host calls it anyway.

    public func decode(_ request: WireRequest, route: ProviderRoute) throws(ReplyError) -> CanonicalRequest {
        throw Self.notThroughThePipeline(route)
    }

    public func encode(_ reply: CompletedReply, for request: CanonicalRequest, context: ReplyContext) -> WireResponse {
        OpenAIErrorEncoding.response(for: Self.notThroughThePipeline(nil))
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

    private static func notThroughThePipeline(_ route: ProviderRoute?) -> ReplyError {
        let what = route.map { "\($0.method.rawValue) \($0.path)" } ?? "the model routes"
        return ReplyError(status: 500, message: "openai.models answers \(what) itself, not through fixtures.", type: "server_error")
    }
}
