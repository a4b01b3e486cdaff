/// A route a provider serves.
///
/// By default a route's requests take the pipeline: the provider decodes them, fixtures and
/// responders choose the reply, and the provider encodes it. A route the provider answers
/// itself (`answeredBy: .provider`: a model list, a stored object, a health check) skips
/// fixtures entirely: the host calls `Provider.answer(_:route:host:context:)`.
public struct ProviderRoute: Sendable, Hashable {
    /// How a route's replies may travel.
    @nonexhaustive(warn)
    public enum Transport: String, Sendable, Hashable, Codable {
        /// One JSON body.
        case http
        /// Server-sent events, chosen by the request itself (`"stream": true`). A request that
        /// asks to stream on a route without it gets a 400.
        case sse
        /// WebSocket messages, on a connection to the route's path (see `webSocketFraming`).
        case websocket
    }

    /// Who answers a route's requests.
    @nonexhaustive(warn)
    public enum Answerer: String, Sendable, Hashable, Codable {
        /// The pipeline: fixtures, responders and the provider's encoders.
        case fixtures
        /// The provider itself, through `Provider.answer(_:route:host:context:)`.
        case provider
    }

    /// The HTTP method the route answers. Two routes may share a path with different methods;
    /// a request whose path matches but whose method does not gets a 405 in the provider's error
    /// shape.
    public var method: HTTPMethodName
    /// The path, for example `/v1/chat/completions`. `{name}` stands for a parameter, a whole
    /// segment (`/v1/models/{model}`) or a part of one with a fixed prefix and suffix
    /// (`/v1beta/models/{model}:generateContent`); at most one per segment.
    public var path: String
    /// The name the provider gives this route; it becomes the canonical request's `operation`.
    public var operation: String
    /// How the route's replies may travel; the host enforces it. A plain HTTP request to a route
    /// with neither `.http` nor `.sse` gets a 426 (`websocket_required`), a request that asks to
    /// stream on a route without `.sse` a 400 on `stream` (`stream_not_supported`), and a
    /// WebSocket upgrade to a route without `.websocket` a 400 (`websocket_not_supported`), each
    /// in the provider's error shape. Default: `[.http, .sse]`.
    public var transports: Set<Transport>
    /// Who answers the route.
    public var answeredBy: Answerer
    /// How WebSocket connections to the route's path carry requests and replies, when
    /// `transports` has `.websocket`. Default: Lyrebird's envelope, its message types named
    /// after the operation (`<operation>.request`, `<operation>.chunk`, `<operation>.done`).
    public var webSocketFraming: WebSocketFraming
    /// When not empty, the route takes only HTTP requests that meet one of these conditions;
    /// another route at the same method and path (without conditions, or with others) takes the
    /// rest. Default: none, every request.
    public var onlyWith: [RouteCondition]

    /// Creates a route.
    ///
    /// - Parameters:
    ///   - method: The HTTP method.
    ///   - path: The path, with `{name}` parameters (see ``path``). The host refuses, at load time,
    ///     a path its router cannot serve, and a method and path another provider already took.
    ///   - operation: The name that becomes the canonical request's `operation`.
    ///   - transports: How replies may travel. Default: HTTP and SSE.
    ///   - answeredBy: `.fixtures` (default) or `.provider`, which makes the host call
    ///     ``Provider/answer(_:route:host:context:)``.
    ///   - webSocketFraming: The WebSocket framing; default `.envelope(prefix: operation)`.
    ///   - onlyWith: Conditions one of which a request must meet for this route to take it.
    public init(
        method: HTTPMethodName, path: String, operation: String, transports: Set<Transport> = [.http, .sse],
        answeredBy: Answerer = .fixtures, webSocketFraming: WebSocketFraming? = nil, onlyWith: [RouteCondition] = []
    ) {
        self.onlyWith = onlyWith
        self.method = method
        self.path = path
        self.operation = operation
        self.transports = transports
        self.answeredBy = answeredBy
        self.webSocketFraming = webSocketFraming ?? .envelope(prefix: operation)
    }
}
