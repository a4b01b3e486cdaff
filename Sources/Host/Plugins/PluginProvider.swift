import CLyrebirdPlugin
import LyrebirdPluginAPI

/// A provider that lives in a plugin: every call crosses the C ABI as JSON and bytes.
struct PluginProvider: ScriptProvider {
    let name: String
    let routes: [ProviderRoute]
    let models: [String]
    let table: PluginProviderTable
    /// Each route as the JSON a plugin reads, made once: every request carries its route.
    private let routeJSON: [ProviderRoute: [UInt8]]
    /// The name of the plugin that registered it, for the journal; set once its entry point
    /// has given one.
    var plugin = ""
    /// The host's script threads, where `answer` runs; `nil` until a host attaches the provider.
    private var threads: ScriptThreadPool?

    init(name: String, routes: [ProviderRoute], models: [String], table: PluginProviderTable) {
        self.name = name
        self.routes = routes
        self.models = models
        self.table = table
        routeJSON = Dictionary(routes.map { ($0, PluginJSON.encode($0)) }, uniquingKeysWith: { first, _ in first })
    }

    func running(on runtime: ScriptRuntime) -> any Provider {
        var attached = self
        attached.threads = runtime.threads
        return attached
    }

    /// Lends `request` to `body` as the `lyrebird_wire_request` a plugin reads.
    private func withWireRequest(
        _ request: WireRequest, route: ProviderRoute, _ body: (UnsafePointer<lyrebird_wire_request>) -> Int32
    ) -> Int32 {
        let headers = PluginJSON.headerBytes(request.headers)
        let routeJSON = self.routeJSON[route] ?? PluginJSON.encode(route)
        let parameters = PluginJSON.encode(request.pathParameters)
        return request.method.rawValue.withCString { method in
            request.path.withCString { path in
                request.query.withCString { query in
                    PluginBytes.lend(headers) { headers in
                        PluginBytes.lend(request.body) { requestBody in
                            PluginBytes.lend(routeJSON) { routeBytes in
                                PluginBytes.lend(parameters) { parameters in
                                    var wire = lyrebird_wire_request(
                                        struct_size: UInt32(MemoryLayout<lyrebird_wire_request>.size), method: method, path: path,
                                        query: query, headers_json: headers, body: requestBody, route_json: routeBytes,
                                        path_parameters_json: parameters)
                                    return body(&wire)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    func decode(_ request: WireRequest, route: ProviderRoute) throws(ReplyError) -> CanonicalRequest {
        let functions = table.table
        var out = lyrebird_buffer(data: nil, length: 0)
        let status = withWireRequest(request, route: route) { wire in functions.decode(functions.context, wire, &out) }
        let bytes = PluginBytes.take(&out)
        switch status {
        case LYREBIRD_OK:
            do {
                return try PluginJSON.request(from: bytes)
            } catch {
                throw failure("decode returned a canonical request the host cannot read: \(error.message)")
            }
        case LYREBIRD_REPLY_ERROR:
            let error: ReplyError
            do {
                error = try PluginJSON.decode(PluginReplyError.self, from: bytes).error
            } catch {
                throw failure("decode returned an error the host cannot read: \(error.message)")
            }
            throw error
        default:
            throw failure("decode failed with status \(status)")
        }
    }

    func encode(_ reply: CompletedReply, for request: CanonicalRequest, context: ReplyContext) -> WireResponse {
        let functions = table.table
        return response("encode_reply") { out in
            PluginBytes.lend(PluginJSON.replyBytes(reply)) { reply in
                PluginBytes.lend(PluginJSON.requestBytes(request)) { request in
                    PluginBytes.lend(PluginJSON.encode(context)) { context in
                        functions.encode_reply(functions.context, reply, request, context, out)
                    }
                }
            }
        }
    }

    func encode(_ error: ReplyError, for request: CanonicalRequest?, context: ReplyContext) -> WireResponse {
        let functions = table.table
        return response("encode_error") { out in
            PluginBytes.lend(PluginJSON.encode(error)) { error in
                PluginBytes.lend(request.map(PluginJSON.requestBytes) ?? []) { request in
                    PluginBytes.lend(PluginJSON.encode(context)) { context in
                        functions.encode_error(functions.context, error, request, context, out)
                    }
                }
            }
        }
    }

    func makeStreamEncoder(for request: CanonicalRequest, context: ReplyContext) -> any StreamEncoder {
        PluginStreamEncoder(table: table, providerName: name, request: request, context: context)
    }

    /// The plugin's own rate-limit headers (ABI 1.2), or none when it gives no callback, or its
    /// answer cannot be read (the log says why).
    func rateLimitHeaders(_ figures: RateLimitFigures) -> [Header] {
        let functions = table.table
        guard let callback = functions.rate_limit_headers else { return [] }
        var out = lyrebird_buffer()
        let status = PluginBytes.lend(PluginJSON.encode(figures)) { figures in callback(functions.context, figures, &out) }
        let bytes = PluginBytes.take(&out)
        guard status == LYREBIRD_OK else {
            table.registration.logger.warning("plugin provider \(name.debugDescription): rate_limit_headers returned \(status)")
            return []
        }
        guard !bytes.isEmpty else { return [] }
        do {
            return try PluginJSON.headers(from: bytes)
        } catch {
            table.registration.logger.warning(
                "plugin provider \(name.debugDescription): rate_limit_headers gave headers the host cannot read: \(error.message)")
            return []
        }
    }

    /// Calls the plugin's answer on a script thread: it may block (see `lyrebird_provider`),
    /// and a Swift plugin waits there for its async `Provider.answer`.
    func answer(_ request: WireRequest, route: ProviderRoute, host: HostInfo, context: ReplyContext) async -> WireResponse {
        // The loader refuses a provider with such a route and no answer, so this only guards.
        guard table.table.answer != nil else {
            return WireResponse(status: 500, body: failure("answer is NULL").openAIShapeBody)
        }
        guard let threads else {
            return WireResponse(
                status: 500, body: failure("answer runs only on a host's script threads, and no host attached it").openAIShapeBody)
        }
        let hostJSON = PluginJSON.encode(host)
        let contextJSON = PluginJSON.encode(context)
        do {
            return try await threads.run { _ in
                let functions = table.table
                return response("answer") { out in
                    withWireRequest(request, route: route) { wire in
                        PluginBytes.lend(hostJSON) { host in
                            PluginBytes.lend(contextJSON) { context in functions.answer!(functions.context, wire, host, context, out) }
                        }
                    }
                }
            }
        } catch {
            return encode(error.replyError, for: nil, context: context)
        }
    }

    /// Runs one encode call and turns its response struct into a `WireResponse`; a failing
    /// plugin gives a 500 in the host's own error shape, and a line in the log.
    private func response(_ call: String, _ body: (UnsafeMutablePointer<lyrebird_response>) -> Int32) -> WireResponse {
        var out = lyrebird_response()
        out.struct_size = UInt32(MemoryLayout<lyrebird_response>.size)
        let status = body(&out)
        let contentType = PluginBytes.take(&out.content_type)
        let headersJSON = PluginBytes.take(&out.headers_json)
        let responseBody = PluginBytes.take(&out.body)
        guard status == LYREBIRD_OK else {
            return WireResponse(status: 500, body: failure("\(call) failed with status \(status)").openAIShapeBody)
        }
        var headers: [Header] = []
        if !headersJSON.isEmpty {
            do {
                headers = try PluginJSON.headers(from: headersJSON)
            } catch {
                return WireResponse(
                    status: 500, body: failure("\(call) returned headers the host cannot read: \(error.message)").openAIShapeBody)
            }
        }
        return WireResponse(
            status: Int(out.status), headers: headers,
            contentType: contentType.isEmpty ? "application/json" : String(decoding: contentType, as: UTF8.self), body: responseBody)
    }

    private func failure(_ message: String) -> ReplyError {
        table.registration.log(level: LYREBIRD_LOG_ERROR, "provider \(name.debugDescription): \(message)")
        return ReplyError(status: 500, message: "plugin provider \(name.debugDescription) failed: \(message)", type: "server_error")
    }
}
