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
    /// The token admin requests must carry, when one is configured: as `Authorization: Bearer`
    /// or `X-Lyrebird-Admin-Token`. `/health` needs none.
    let token: String?

    init(configuration: HostConfiguration) {
        origins = Set(configuration.adminOrigins.map { $0.lowercased() })
        hosts = Set(configuration.adminHosts.map { $0.lowercased() })
        let bound = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        loopbackOnly = HostHeader(bound)?.isLoopback ?? false
        token = configuration.adminToken.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Content types an admin write may carry.
    static let writableContentTypes: Set<String> = [
        "application/json", "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml",
    ]

    /// Why `request` may not use `endpoint`, or `nil` when it may.
    func refusal(of request: WireRequest, for endpoint: AdminEndpoint) -> ReplyError? {
        // The dashboard's files hold no data: a browser loads them without the token, and the page
        // sends the token the user gives with every call it makes.
        if let token, endpoint != .health, endpoint != .dashboard, endpoint != .dashboardAsset, !Self.carries(token, request) {
            return ReplyError(
                status: 401,
                message:
                    "Admin requests need the admin token (settings.admin_token): send it as Authorization: Bearer TOKEN or X-Lyrebird-Admin-Token: TOKEN.",
                type: "authentication_error", code: "admin_token_required")
        }
        let host = request.headers.first(where: { $0.name == "host" })?.value.lowercased() ?? ""
        // Browsers always send Host; a request without one (a socketless call) is not a page's.
        if loopbackOnly && !host.isEmpty && !allowsHost(host) {
            return ReplyError(
                status: 403,
                message:
                    "Admin requests to a server on loopback must name a loopback address (127.0.0.1, [::1]) or localhost as their host; \(host.debugDescription) is not one. List it in settings.admin_hosts to allow it.",
                type: "permission_error", code: "admin_host_refused")
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
            if endpoint.readsFixture && !Self.writableContentTypes.contains(mediaType) {
                return ReplyError(
                    status: 415,
                    message:
                        "Fixtures are sent as JSON or YAML: set Content-Type to application/json or application/yaml (got \(contentType.isEmpty ? "none" : contentType.debugDescription)).",
                    type: "invalid_request_error", code: "unsupported_media_type")
            }
            if endpoint.readsJSONBody && !request.body.isEmpty && mediaType != "application/json" {
                return ReplyError(
                    status: 415,
                    message:
                        "A body sent to \(endpoint.path) is JSON: set Content-Type to application/json (got \(contentType.isEmpty ? "none" : contentType.debugDescription)).",
                    type: "invalid_request_error", code: "unsupported_media_type")
            }
        }
        return nil
    }

    /// Whether an admin request may carry the (lowercased) `Host` value `host`: a literal
    /// loopback address or `localhost`, or a name `admin_hosts` lists (with or without the port).
    func allowsHost(_ host: String) -> Bool {
        guard let parsed = HostHeader(host) else { return false }
        return parsed.isLoopback || hosts.contains(parsed.host) || hosts.contains(host)
    }

    /// Whether `request` carries `token`, compared in time that does not depend on where they
    /// first differ.
    private static func carries(_ token: String, _ request: WireRequest) -> Bool {
        var given: [String] = []
        for header in request.headers {
            if header.name == "x-lyrebird-admin-token" { given.append(header.value) }
            if header.name == "authorization" {
                let parts = header.value.split(separator: " ", maxSplits: 1)
                if parts.count == 2, parts[0].lowercased() == "bearer" { given.append(String(parts[1])) }
            }
        }
        let expected = Array(token.utf8)
        return given.contains { candidate in
            let bytes = Array(candidate.utf8)
            guard bytes.count == expected.count else { return false }
            return zip(bytes, expected).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
        }
    }
}
