/// The stable JSON form of a route, as plugins register it:
/// `{"method": "POST", "path": "/v1/messages", "operation": "messages", "transports": ["http", "sse"],
/// "answered_by": "fixtures"}`. `transports` may be left out (HTTP and SSE), and `answered_by`
/// too (fixtures). A route that takes WebSocket connections may add `"websocket_framing"`
/// (`{"style": "events", "request_type": "response.create"}` or `{"style": "envelope", "prefix":
/// "chat"}`); without it the envelope is named after the operation.
extension ProviderRoute: Codable {
    enum CodingKeys: String, CodingKey {
        case method, path, operation, transports
        case answeredBy = "answered_by"
        case webSocketFraming = "websocket_framing"
    }

    /// Decodes a route's JSON form; `transports`, `answered_by` and `websocket_framing` take
    /// their defaults when absent.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            method: try container.decode(HTTPMethodName.self, forKey: .method),
            path: try container.decode(String.self, forKey: .path),
            operation: try container.decode(String.self, forKey: .operation),
            transports: try container.decodeIfPresent(Set<Transport>.self, forKey: .transports) ?? [.http, .sse],
            answeredBy: try container.decodeIfPresent(Answerer.self, forKey: .answeredBy) ?? .fixtures,
            webSocketFraming: try container.decodeIfPresent(WebSocketFraming.self, forKey: .webSocketFraming))
    }

    /// Encodes the route's JSON form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(method, forKey: .method)
        try container.encode(path, forKey: .path)
        try container.encode(operation, forKey: .operation)
        try container.encode(transports.map(\.rawValue).sorted(), forKey: .transports)
        try container.encode(answeredBy, forKey: .answeredBy)
        try container.encode(webSocketFraming, forKey: .webSocketFraming)
    }
}
