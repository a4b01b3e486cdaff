import LyrebirdPluginAPI

/// Who may use the admin endpoints. They can reprogram the server (a fixture may carry a Lua
/// script), so a web page the developer happens to visit must not reach them: browsers send
/// form-like "simple" requests to any origin without asking first, and DNS rebinding lets a
/// page's own host name point at the loopback address.
struct AdminAccess: Sendable {
    /// Origins besides the server's own that may call the admin endpoints.
    let origins: Set<String>
    /// Host names besides loopback ones that admin requests may carry, when the server listens
    /// on a loopback address.
    let hosts: Set<String>
    /// Whether the server listens on a loopback address only.
    let loopbackOnly: Bool

    init(configuration: HostConfiguration) {
        origins = Set(configuration.adminOrigins.map { $0.lowercased() })
        hosts = Set(configuration.adminHosts.map { $0.lowercased() })
        loopbackOnly = Self.isLoopback(configuration.host)
    }

    /// Content types an admin write may carry.
    static let writableContentTypes: Set<String> = [
        "application/json", "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml",
    ]

    /// Why `request` may not use `endpoint`, or `nil` when it may.
    func refusal(of request: WireRequest, for endpoint: AdminEndpoint) -> ReplyError? {
        let host = request.headers.first(where: { $0.name == "host" })?.value.lowercased() ?? ""
        // Browsers always send Host; a request without one (a socketless call) is not a page's.
        if loopbackOnly && !host.isEmpty {
            let name = Self.hostName(host)
            guard Self.isLoopback(name) || hosts.contains(name) || hosts.contains(host) else {
                return ReplyError(
                    status: 403,
                    message:
                        "Admin requests to a server on loopback must name a loopback host; \(host.debugDescription) is not one. List it in settings.admin_hosts to allow it.",
                    type: "permission_error", code: "admin_host_refused")
            }
        }
        if let origin = request.headers.first(where: { $0.name == "origin" })?.value.lowercased(),
            origin != "http://" + host, origin != "https://" + host, !origins.contains(origin)
        {
            return ReplyError(
                status: 403,
                message:
                    "Admin requests from the origin \(origin.debugDescription) are refused. List it in settings.admin_origins to allow it.",
                type: "permission_error", code: "admin_origin_refused")
        }
        if endpoint.method != .get {
            let contentType = request.headers.first(where: { $0.name == "content-type" })?.value ?? ""
            let mediaType = contentType.split(separator: ";").first.map { $0.filter { $0 != " " }.lowercased() } ?? ""
            if endpoint == .addFixture && !Self.writableContentTypes.contains(mediaType) {
                return ReplyError(
                    status: 415,
                    message:
                        "Fixtures are sent as JSON or YAML: set Content-Type to application/json or application/yaml (got \(contentType.isEmpty ? "none" : contentType.debugDescription)).",
                    type: "invalid_request_error", code: "unsupported_media_type")
            }
        }
        return nil
    }

    /// The host name of a `Host` header value, without its port.
    private static func hostName(_ host: String) -> String {
        if host.hasPrefix("["), let end = host.firstIndex(of: "]") {
            return String(host[host.index(after: host.startIndex)..<end])
        }
        return String(host.split(separator: ":", maxSplits: 1).first ?? "")
    }

    private static func isLoopback(_ name: String) -> Bool {
        name == "localhost" || name.hasSuffix(".localhost") || name == "::1" || name.hasPrefix("127.")
    }
}
