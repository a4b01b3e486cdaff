import HTTPTypes

/// Cross-origin access for web apps that call the mock straight from the page: preflights are
/// answered, and API responses (streams included) carry the headers a browser needs to hand
/// them to the page. The admin endpoints follow their own, narrower list: the API's default of
/// every origin does not extend to what can reprogram the server.
struct CORSPolicy: Sendable {
    /// Origins whose pages may call the API; `*` is every origin.
    let apiOrigins: Set<String>
    /// Origins whose pages may call the admin endpoints (besides the server's own, which needs
    /// no CORS).
    let adminOrigins: Set<String>

    init(configuration: HostConfiguration) {
        apiOrigins = Set(configuration.corsOrigins.map { $0.lowercased() })
        adminOrigins = Set(configuration.adminOrigins.map { $0.lowercased() })
    }

    /// Response headers browsers read, exposed to the page: the request ids, retry hints and
    /// rate limits the SDKs look at.
    private static let exposedHeaders =
        "x-request-id, request-id, retry-after, retry-after-ms, x-should-retry, openai-processing-ms, openai-version, x-ratelimit-limit-requests, x-ratelimit-remaining-requests, x-ratelimit-reset-requests, x-ratelimit-limit-tokens, x-ratelimit-remaining-tokens, x-ratelimit-reset-tokens"

    /// Whether a page from `origin` may read responses of an admin (`admin`) or API endpoint.
    func allows(_ origin: String, admin: Bool) -> Bool {
        let origin = origin.lowercased()
        if admin { return adminOrigins.contains(origin) }
        return apiOrigins.contains("*") || apiOrigins.contains(origin)
    }

    /// The headers an actual response to a page from `origin` carries, if it may read it.
    func responseHeaders(origin: String, admin: Bool) -> HTTPFields {
        var fields = HTTPFields()
        guard allows(origin, admin: admin) else { return fields }
        fields[.accessControlAllowOrigin] = origin
        fields[.vary] = "Origin"
        fields[.accessControlExposeHeaders] = Self.exposedHeaders
        return fields
    }

    /// The answer to a preflight (`OPTIONS`) from `origin`: 204 with what may follow, or without
    /// CORS headers when the origin may not (the browser then refuses the request itself).
    func preflight(origin: String?, requestedHeaders: String?, allowedMethods: [String], admin: Bool) -> (HTTPResponse.Status, HTTPFields) {
        var fields = HTTPFields()
        fields[.allow] = (allowedMethods + ["OPTIONS"]).joined(separator: ", ")
        if let origin, allows(origin, admin: admin) {
            fields[.accessControlAllowOrigin] = origin
            fields[.vary] = "Origin"
            fields[.accessControlAllowMethods] = (allowedMethods + ["OPTIONS"]).joined(separator: ", ")
            // The SDKs send their own headers (authorization, x-stainless-*, anthropic-version...):
            // whatever the page asks to send is allowed.
            if let requestedHeaders { fields[.accessControlAllowHeaders] = requestedHeaders }
            fields[.accessControlMaxAge] = "86400"
        }
        return (.noContent, fields)
    }
}
