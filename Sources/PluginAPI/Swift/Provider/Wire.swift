import Foundation

/// An HTTP method a route answers.
@nonexhaustive(warn)
public enum HTTPMethodName: String, Sendable, Hashable, Codable {
    /// `GET`.
    case get = "GET"
    /// `POST`.
    case post = "POST"
    /// `PUT`.
    case put = "PUT"
    /// `PATCH`.
    case patch = "PATCH"
    /// `DELETE`.
    case delete = "DELETE"
}

/// A request as it arrived on the wire.
public struct WireRequest: Sendable {
    /// The method the request came with (for a WebSocket message, the route's method).
    public var method: HTTPMethodName
    /// The path without the query string.
    public var path: String
    /// The query string without `?`, or `""`.
    public var query: String
    /// Headers, names lower-cased, in arrival order.
    public var headers: [Header]
    /// The body bytes.
    public var body: [UInt8]
    /// The values of the route's path parameters by name: for the route
    /// `/v1beta/models/{model}:generateContent` and the path
    /// `/v1beta/models/gemini-2.0-flash:generateContent`, `["model": "gemini-2.0-flash"]`.
    public var pathParameters: [String: String]

    /// Creates a wire request. The host makes them; tests and embedding programs make their own.
    public init(
        method: HTTPMethodName, path: String, query: String = "", headers: [Header] = [], body: [UInt8] = [],
        pathParameters: [String: String] = [:]
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.pathParameters = pathParameters
    }

    /// The first value of the header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first(where: { $0.name == lowered })?.value
    }

    /// The value of the query parameter `name`, percent-decoded, if the query has it.
    public func queryItem(_ name: String) -> String? {
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.first.map(String.init)?.removingPercentEncoding == name else { continue }
            return parts.count > 1 ? String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" : ""
        }
        return nil
    }
}

/// A whole response to put on the wire.
public struct WireResponse: Sendable {
    /// The HTTP status.
    public var status: Int
    /// Headers the provider adds; the host adds `x-request-id` and the content type.
    public var headers: [Header]
    /// The content type (`application/json` unless set).
    public var contentType: String
    /// The body bytes.
    public var body: [UInt8]

    /// Creates a response; `contentType` defaults to `application/json`.
    public init(status: Int, headers: [Header] = [], contentType: String = "application/json", body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.contentType = contentType
        self.body = body
    }
}
