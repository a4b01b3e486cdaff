import LyrebirdPluginAPI

/// The contract of every provider's request decoder, on any bytes at all.
public enum DecoderCheck {
    /// The model a route's `{model}` path parameter names in the requests the checks build.
    public static let pathModel = "gemini-2.0-flash"
    /// The model Bedrock's `{modelId}` names: an ARN, with the colons and the slash it
    /// percent-decodes to.
    public static let pathModelID = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0"

    /// `body` sent to `route` as the server would hand it over: the route's path with its
    /// `{model}` (or `{modelId}`) parameter filled in, and that parameter's value.
    public static func request(_ route: ProviderRoute, body: [UInt8], query: String = "") -> WireRequest {
        var parameters: [String: String] = [:]
        var path = route.path
        if path.contains("{model}") {
            parameters["model"] = pathModel
            path = path.replacingOccurrences(of: "{model}", with: pathModel)
        }
        if path.contains("{modelId}") {
            parameters["modelId"] = pathModelID
            path = path.replacingOccurrences(
                of: "{modelId}", with: pathModelID.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? pathModelID)
        }
        return WireRequest(
            method: route.method, path: path, query: query, headers: [Header(name: "content-type", value: "application/json")],
            body: body, pathParameters: parameters)
    }

    /// Decodes `body` as a request to `route`: it must either give a canonical request that
    /// survives the trip across the plugin ABI unchanged (every request reaches plugin
    /// responders that way), or refuse with a client error that says what is wrong.
    @discardableResult
    public static func requireContract(
        _ provider: any Provider, route: ProviderRoute, body: [UInt8], query: String = ""
    ) -> CanonicalRequest? {
        let canonical: CanonicalRequest
        do {
            canonical = try provider.decode(request(route, body: body, query: query), route: route)
        } catch {
            require((400..<500).contains(error.status), "\(provider.name) refused with status \(error.status): \(error.message)")
            require(!error.message.isEmpty, "\(provider.name) refused without a message")
            return nil
        }
        do {
            let crossed = try PluginJSON.decode(CanonicalRequest.self, from: PluginJSON.requestBytes(canonical))
            require(
                crossed == canonical,
                "\(provider.name): the canonical request changed crossing the plugin ABI: \(excerpt(body))")
        } catch {
            require(false, "\(provider.name): the canonical request does not cross the plugin ABI: \(error.message)")
        }
        return canonical
    }

    /// Sends `body` to a route the provider answers itself (a token count, a model's details):
    /// the answer must be well formed and no server error.
    public static func requireAnswer(_ provider: any Provider, route: ProviderRoute, body: [UInt8], query: String = "") {
        let request = request(route, body: body, query: query)
        let host = HostInfo(models: provider.models.map { ModelListing(id: $0, ownedBy: provider.name) })
        let response = blocking { await provider.answer(request, route: route, host: host, context: FuzzContext.reply) }!
        require(response.status < 500, "\(provider.name) answered \(route.path) with \(response.status): \(excerpt(response.body))")
        WireChecks.requireWellFormed(response, request: body)
    }

    /// Every route of `provider` that takes a body gets `body`: decoded for the routes whose
    /// replies fixtures choose, and, when `answering`, answered for those the provider answers
    /// itself. A plugin's provider answers only on a host's script threads, so for a loaded
    /// plugin those routes are left to `fuzz-host`, which serves the plugins as the server does.
    public static func requireRoutes(_ provider: any Provider, body: [UInt8], answering: Bool = true) {
        for route in provider.routes where route.method == .post {
            switch route.answeredBy {
            case .fixtures: requireContract(provider, route: route, body: body)
            case .provider: if answering { requireAnswer(provider, route: route, body: body) }
            }
        }
    }
}

/// The reply context the harnesses encode replies with.
public enum FuzzContext {
    public static let reply = ReplyContext(
        requestID: "req_fuzz", idSuffix: "fuzz", created: 1_700_000_000, model: "fuzz-model", systemFingerprint: "fp_fuzz",
        promptTokens: 3)
}
