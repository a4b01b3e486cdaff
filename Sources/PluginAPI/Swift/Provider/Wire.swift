/// An HTTP method a route answers.
public enum HTTPMethodName: String, Sendable, Hashable, Codable {
    case get = "GET"
    case post = "POST"
    case put = "PUT"
    case patch = "PATCH"
    case delete = "DELETE"
}

/// A request as it arrived on the wire.
public struct WireRequest: Sendable {
    public var method: HTTPMethodName
    /// The path without the query string.
    public var path: String
    /// The query string without `?`, or `""`.
    public var query: String
    /// Headers, names lower-cased, in arrival order.
    public var headers: [Header]
    /// The body bytes.
    public var body: [UInt8]

    public init(method: HTTPMethodName, path: String, query: String = "", headers: [Header] = [], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }
}

/// A whole response to put on the wire.
public struct WireResponse: Sendable {
    public var status: Int
    /// Headers the provider adds; the host adds `x-request-id` and the content type.
    public var headers: [Header]
    public var contentType: String
    public var body: [UInt8]

    public init(status: Int, headers: [Header] = [], contentType: String = "application/json", body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.contentType = contentType
        self.body = body
    }
}
