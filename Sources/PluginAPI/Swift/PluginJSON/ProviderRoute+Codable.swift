/// The stable JSON form of a route, as plugins register it:
/// `{"method": "POST", "path": "/v1/messages", "operation": "messages", "transports": ["http", "sse"],
/// "answered_by": "fixtures"}`. `transports` may be left out (HTTP and SSE), and `answered_by`
/// too (fixtures). A route that takes WebSocket connections may add `"websocket_framing"`
/// (`{"style": "events", "request_type": "response.create"}` or `{"style": "envelope", "prefix":
/// "chat"}`); without it the envelope is named after the operation. A route that takes only
/// requests with certain credentials adds `"only_with": [{"header": "x-goog-api-key"}, {"query":
/// "key"}]`.
extension ProviderRoute: Codable {
    enum CodingKeys: String, CodingKey {
        case method, path, operation, transports
        case answeredBy = "answered_by"
        case webSocketFraming = "websocket_framing"
        case onlyWith = "only_with"
    }

    private enum ConditionKeys: String, CodingKey {
        case header, query
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
            webSocketFraming: try container.decodeIfPresent(WebSocketFraming.self, forKey: .webSocketFraming),
            onlyWith: try Self.decodeConditions(container))
    }

    private static func decodeConditions(_ container: KeyedDecodingContainer<CodingKeys>) throws -> [RouteCondition] {
        guard container.contains(.onlyWith) else { return [] }
        var list = try container.nestedUnkeyedContainer(forKey: .onlyWith)
        var conditions: [RouteCondition] = []
        while !list.isAtEnd {
            let condition = try list.nestedContainer(keyedBy: ConditionKeys.self)
            if let header = try condition.decodeIfPresent(String.self, forKey: .header) {
                conditions.append(.header(header))
            } else if let query = try condition.decodeIfPresent(String.self, forKey: .query) {
                conditions.append(.queryItem(query))
            } else {
                throw DecodingError.dataCorruptedError(
                    forKey: .header, in: condition, debugDescription: "a condition names a \"header\" or a \"query\" parameter")
            }
        }
        return conditions
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
        guard !onlyWith.isEmpty else { return }
        var list = container.nestedUnkeyedContainer(forKey: .onlyWith)
        for condition in onlyWith {
            var entry = list.nestedContainer(keyedBy: ConditionKeys.self)
            try entry.encodeIfPresent(condition.header, forKey: .header)
            try entry.encodeIfPresent(condition.queryItem, forKey: .query)
        }
    }
}
