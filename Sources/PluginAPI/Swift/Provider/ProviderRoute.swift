/// A route a provider serves.
public struct ProviderRoute: Sendable, Hashable {
    /// How a route's replies may travel.
    public enum Transport: String, Sendable, Hashable, Codable {
        /// One JSON body.
        case http
        /// Server-sent events, chosen by the request itself (`"stream": true`).
        case sse
        /// WebSocket frames.
        case websocket
    }

    public var method: HTTPMethodName
    /// The path, for example `/v1/chat/completions`.
    public var path: String
    /// The name the provider gives this route; it becomes the canonical request's `operation`.
    public var operation: String
    public var transports: Set<Transport>

    public init(method: HTTPMethodName, path: String, operation: String, transports: Set<Transport> = [.http, .sse]) {
        self.method = method
        self.path = path
        self.operation = operation
        self.transports = transports
    }
}
