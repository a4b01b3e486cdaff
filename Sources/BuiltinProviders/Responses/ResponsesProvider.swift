import LyrebirdPluginAPI

/// The OpenAI Responses API: `POST /v1/responses`, whole or streamed, its WebSocket mode on the
/// same path, and the routes that read and delete the responses it keeps.
///
/// Completed responses (unless the request says `"store": false`) are kept in memory, the most
/// recent `storedResponseLimit` of them within `storedResponseBytes`, so that clients can
/// retrieve them, list their input items, and continue a conversation with `previous_response_id`.
/// A host keeps them in its store as well (``attach(records:)``), so they outlive a restart and
/// every host of a fleet finds them.
public struct ResponsesProvider: Provider {
    public let name = "openai.responses"
    public let routes: [ProviderRoute] = {
        let create = ProviderRoute(method: .post, path: "/v1/responses", operation: "responses", transports: [.http, .sse])
        var routes = [create] + StoredResponseRoutes.routes
        // Azure: the v1 API's paths, and `/openai/responses` where the `AzureOpenAI` client's
        // base URL (`.../openai`) puts them.
        for prefix in ["/openai/v1", "/openai"] {
            routes += ([create] + StoredResponseRoutes.routes).map { route in
                var copy = route
                copy.path = prefix + route.path.dropFirst("/v1".count)
                return copy
            }
        }
        routes[0].transports.insert(.websocket)
        routes[0].webSocketFraming = .events(requestType: "response.create")
        return routes
    }()
    private let store: ResponseStore

    /// How many responses a provider keeps unless told otherwise.
    public static let defaultStoredResponseLimit = 1000
    /// How much memory the kept responses may hold together unless told otherwise: 256 MiB.
    public static let defaultStoredResponseBytes = 256 << 20

    /// - Parameters:
    ///   - storedResponseLimit: how many responses to keep (at least one); the oldest goes first.
    ///   - storedResponseBytes: about how many bytes the kept responses, with their input and
    ///     the conversations before them, may hold together; the oldest go first, and a response
    ///     larger than this alone is not kept.
    public init(
        storedResponseLimit: Int = ResponsesProvider.defaultStoredResponseLimit,
        storedResponseBytes: Int = ResponsesProvider.defaultStoredResponseBytes
    ) {
        store = ResponseStore(capacity: storedResponseLimit, maximumBytes: storedResponseBytes)
    }

    public func decode(_ request: WireRequest, route: ProviderRoute) throws(ReplyError) -> CanonicalRequest {
        try ResponsesRequestDecoder.decode(request, operation: route.operation, store: store)
    }

    public func encode(_ reply: CompletedReply, for request: CanonicalRequest, context: ReplyContext) -> WireResponse {
        let envelope = ResponseEnvelope(request: request, context: context)
        let choice = reply.choices.first ?? CompletedReply.Choice(index: 0)
        var volume = LogprobsVolume()
        if let top = envelope.logprobs, !volume.admit(choice.text[...], top: top) {
            return OpenAIErrorEncoding.response(for: LogprobsVolume.exceeded)
        }
        let output = ResponseItem.output(of: choice, summarize: envelope.summarizesReasoning)
        let body = envelope.bytes(ResponseEnvelope.finished(choice.finishReason, usage: reply.usage), output: output)
        if envelope.store { store.keep(body, id: envelope.id, output: output, for: request) }
        return WireResponse(status: 200, body: body)
    }

    public func makeStreamEncoder(for request: CanonicalRequest, context: ReplyContext) -> any StreamEncoder {
        ResponsesStreamEncoder(request: request, context: context, store: store)
    }

    public func makeFrameEncoder(for request: CanonicalRequest, context: ReplyContext) -> any FrameEncoder {
        ResponsesFrameEncoder(request: request, context: context, store: store)
    }

    /// OpenAI's `x-ratelimit-*` headers, for a key whose plan limits it.
    public func rateLimitHeaders(_ figures: RateLimitFigures) -> [Header] {
        OpenAIRateLimitHeaders.headers(figures)
    }

    public func encode(_ error: ReplyError, for request: CanonicalRequest?, context: ReplyContext) -> WireResponse {
        OpenAIErrorEncoding.response(for: error)
    }

    public func attach(records: any ProviderRecords) {
        store.attach(records)
    }

    /// Loads the response a request continues from (`previous_response_id`) from the host's
    /// records when memory lacks it. Only a body that names the field is read here.
    public func prepare(_ request: WireRequest, route: ProviderRoute) async {
        guard route.operation == "responses", request.body.firstRange(of: Self.previousResponseField) != nil,
            let id = (try? JSONValue.parse(request.body))?["previous_response_id"]?.stringValue
        else { return }
        await store.loadIfMissing(id)
    }

    private static let previousResponseField = Array("previous_response_id".utf8)

    public func answer(_ request: WireRequest, route: ProviderRoute, host: HostInfo, context: ReplyContext) async -> WireResponse {
        do {
            return try await StoredResponseRoutes.answer(request, operation: route.operation, store: store)
        } catch {
            return OpenAIErrorEncoding.response(for: error)
        }
    }
}
