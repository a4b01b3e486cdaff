import CLyrebirdPlugin
import LyrebirdPluginAPI

/// A provider that lives in a plugin: every call crosses the C ABI as JSON and bytes.
struct PluginProvider: Provider {
    let name: String
    let routes: [ProviderRoute]
    let table: PluginProviderTable

    func decode(_ request: WireRequest, route: ProviderRoute) throws(ReplyError) -> CanonicalRequest {
        let functions = table.table
        let headers = PluginJSON.encode(request.headers)
        let routeJSON = PluginJSON.encode(route)
        var out = lyrebird_buffer(data: nil, length: 0)
        let status = request.method.rawValue.withCString { method in
            request.path.withCString { path in
                request.query.withCString { query in
                    PluginBytes.lend(headers) { headers in
                        PluginBytes.lend(request.body) { body in
                            PluginBytes.lend(routeJSON) { routeBytes in
                                var wire = lyrebird_wire_request(
                                    struct_size: UInt32(MemoryLayout<lyrebird_wire_request>.size), method: method, path: path, query: query,
                                    headers_json: headers, body: body, route_json: routeBytes)
                                return functions.decode(functions.context, &wire, &out)
                            }
                        }
                    }
                }
            }
        }
        let bytes = PluginBytes.take(&out)
        switch status {
        case LYREBIRD_OK:
            do {
                return try PluginJSON.decode(CanonicalRequest.self, from: bytes)
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
            PluginBytes.lend(PluginJSON.encode(reply)) { reply in
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
                headers = try PluginJSON.decode([Header].self, from: headersJSON)
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
