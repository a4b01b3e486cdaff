/// What a request must carry for a route to take it, when two providers serve one path: a
/// header, or a query parameter. Gemini's clients and OpenAI's both ask for `GET /v1/models`; a
/// route with `onlyWith: [.header("x-goog-api-key"), .queryItem("key")]` takes the requests
/// that carry Google's credentials, and the route without conditions the rest.
public struct RouteCondition: Sendable, Hashable {
    /// A header the request must have (any value), lower-cased; or `nil`.
    public var header: String?
    /// A query parameter the request must have (any value); or `nil`.
    public var queryItem: String?

    /// The request must have the header `name`.
    public static func header(_ name: String) -> RouteCondition {
        RouteCondition(header: name.lowercased(), queryItem: nil)
    }

    /// The request's query must have the parameter `name`.
    public static func queryItem(_ name: String) -> RouteCondition {
        RouteCondition(header: nil, queryItem: name)
    }

    /// Whether `request` carries what the condition asks.
    public func holds(for request: WireRequest) -> Bool {
        if let header, request.header(header) != nil { return true }
        if let queryItem, request.queryItem(queryItem) != nil { return true }
        return false
    }
}
