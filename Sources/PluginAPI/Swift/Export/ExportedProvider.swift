import CLyrebirdPlugin

/// A Swift `Provider` behind the C `lyrebird_provider` table: decodes the JSON the host sends,
/// calls the provider, and hands back bytes in host-allocated buffers.
///
/// One instance lives per registered provider, for the life of the process (plugins are never
/// unloaded), and is the table's `context`.
final class ExportedProvider: @unchecked Sendable {
    // @unchecked: the stored properties are immutable; the provider is Sendable and the table
    // pointer refers to host memory that never changes.
    let provider: any Provider
    let api: UnsafePointer<lyrebird_host_api>
    /// The provider's routes by the JSON a host of this API version sends for them, so that a
    /// request's route is looked up rather than decoded.
    private let routesByJSON: [[UInt8]: ProviderRoute]

    private init(provider: any Provider, api: UnsafePointer<lyrebird_host_api>) {
        self.provider = provider
        self.api = api
        routesByJSON = Dictionary(provider.routes.map { (PluginJSON.encode($0), $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Registers `provider` with the host and returns the host's status.
    static func register(_ provider: some Provider, with api: UnsafePointer<lyrebird_host_api>) -> Int32 {
        guard let registerProvider = api.pointee.register_provider else { return LYREBIRD_ERROR }
        let exported = ExportedProvider(provider: provider, api: api)
        // Retained for ever: the host may call into it until the process ends.
        let context = Unmanaged.passRetained(exported).toOpaque()
        let routes = String(decoding: PluginJSON.encode(provider.routes), as: UTF8.self)
        let models = String(decoding: PluginJSON.encode(provider.models), as: UTF8.self)
        return provider.name.withCString { name in
            routes.withCString { routes in
                models.withCString { models in
                    var table = lyrebird_provider(
                        struct_size: UInt32(MemoryLayout<lyrebird_provider>.size), name: name, routes_json: routes, context: context,
                        decode: decodeCallback, encode_reply: encodeReplyCallback, encode_error: encodeErrorCallback,
                        // stream_open_v2 (ABI 1.1) replaces stream_open, which only a 1.0 host would call.
                        stream_open: nil, stream_encode: streamEncodeCallback, stream_finish: streamFinishCallback,
                        stream_close: streamCloseCallback, stream_open_v2: streamOpenCallback, answer: answerCallback,
                        stream_abort: streamAbortCallback, models_json: models, rate_limit_headers: rateLimitHeadersCallback)
                    return registerProvider(api.pointee.host, &table)
                }
            }
        }
    }

    static func from(_ context: UnsafeMutableRawPointer?) -> ExportedProvider {
        Unmanaged<ExportedProvider>.fromOpaque(context!).takeUnretainedValue()
    }

    func give(_ bytes: [UInt8], to buffer: UnsafeMutablePointer<lyrebird_buffer>?) {
        PluginBytes.give(bytes, to: buffer, alloc: api.pointee.alloc)
    }

    /// Fills a host response struct from a `WireResponse`.
    func fill(_ response: UnsafeMutablePointer<lyrebird_response>?, with wire: WireResponse) -> Int32 {
        guard let response else { return LYREBIRD_ERROR }
        response.pointee.status = Int32(wire.status)
        give(Array(wire.contentType.utf8), to: &response.pointee.content_type)
        give(wire.headers.isEmpty ? [] : PluginJSON.headerBytes(wire.headers), to: &response.pointee.headers_json)
        give(wire.body, to: &response.pointee.body)
        return LYREBIRD_OK
    }

    /// The request and route the host describes in `wire`. The path parameters are read only
    /// when the host's struct has them (ABI 1.1).
    func read(_ wire: lyrebird_wire_request) throws(PluginJSONError) -> (WireRequest, ProviderRoute) {
        let routeJSON = PluginBytes.copy(wire.route_json)
        let route: ProviderRoute
        if let known = routesByJSON[routeJSON] {
            route = known
        } else {
            route = try PluginJSON.decode(ProviderRoute.self, from: routeJSON)
        }
        let headers = try PluginJSON.headers(from: PluginBytes.copy(wire.headers_json))
        var parameters: [String: String] = [:]
        let parametersEnd = MemoryLayout<lyrebird_wire_request>.offset(of: \.path_parameters_json)! + MemoryLayout<lyrebird_bytes>.size
        if Int(wire.struct_size) >= parametersEnd, wire.path_parameters_json.length > 0 {
            parameters = try PluginJSON.decode([String: String].self, from: PluginBytes.copy(wire.path_parameters_json))
        }
        let method = wire.method.flatMap { HTTPMethodName(rawValue: String(cString: $0)) } ?? route.method
        let request = WireRequest(
            method: method, path: wire.path.map { String(cString: $0) } ?? route.path, query: wire.query.map { String(cString: $0) } ?? "",
            headers: headers, body: PluginBytes.copy(wire.body), pathParameters: parameters)
        return (request, route)
    }

    /// Reports a failure to read the host's JSON as a reply error (a host bug, or an ABI drift).
    func failure(_ what: String, _ error: PluginJSONError, into out: UnsafeMutablePointer<lyrebird_buffer>?) -> Int32 {
        let reply = ReplyError(
            status: 500, message: "plugin provider \(provider.name.debugDescription) could not read the \(what): \(error.message)",
            type: "server_error")
        give(PluginJSON.encode(reply), to: out)
        return LYREBIRD_REPLY_ERROR
    }
}

private let decodeCallback:
    @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<lyrebird_wire_request>?, UnsafeMutablePointer<lyrebird_buffer>?) -> Int32 = {
        context, request, out in
        let exported = ExportedProvider.from(context)
        guard let request else { return LYREBIRD_ERROR }
        let wireRequest: WireRequest
        let route: ProviderRoute
        do throws(PluginJSONError) {
            (wireRequest, route) = try exported.read(request.pointee)
        } catch {
            return exported.failure("route, headers or path parameters", error, into: out)
        }
        do throws(ReplyError) {
            let canonical = try exported.provider.decode(wireRequest, route: route)
            exported.give(PluginJSON.requestBytes(canonical), to: out)
            return LYREBIRD_OK
        } catch {
            exported.give(PluginJSON.encode(error), to: out)
            return LYREBIRD_REPLY_ERROR
        }
    }

private let encodeReplyCallback:
    @convention(c) (UnsafeMutableRawPointer?, lyrebird_bytes, lyrebird_bytes, lyrebird_bytes, UnsafeMutablePointer<lyrebird_response>?) ->
        Int32 = { context, replyJSON, requestJSON, contextJSON, out in
            let exported = ExportedProvider.from(context)
            guard
                let reply = try? PluginJSON.reply(from: PluginBytes.copy(replyJSON)),
                let request = try? PluginJSON.request(from: PluginBytes.copy(requestJSON)),
                let replyContext = try? PluginJSON.decode(ReplyContext.self, from: PluginBytes.copy(contextJSON))
            else { return LYREBIRD_ERROR }
            return exported.fill(out, with: exported.provider.encode(reply, for: request, context: replyContext))
        }

private let encodeErrorCallback:
    @convention(c) (UnsafeMutableRawPointer?, lyrebird_bytes, lyrebird_bytes, lyrebird_bytes, UnsafeMutablePointer<lyrebird_response>?) ->
        Int32 = { context, errorJSON, requestJSON, contextJSON, out in
            let exported = ExportedProvider.from(context)
            guard
                let error = try? PluginJSON.decode(PluginReplyError.self, from: PluginBytes.copy(errorJSON)).error,
                let replyContext = try? PluginJSON.decode(ReplyContext.self, from: PluginBytes.copy(contextJSON))
            else { return LYREBIRD_ERROR }
            // An empty request means the request could not be decoded.
            let request = requestJSON.length == 0 ? nil : try? PluginJSON.request(from: PluginBytes.copy(requestJSON))
            return exported.fill(out, with: exported.provider.encode(error, for: request, context: replyContext))
        }

private let streamOpenCallback:
    @convention(c) (UnsafeMutableRawPointer?, lyrebird_bytes, lyrebird_bytes, UnsafeMutablePointer<lyrebird_stream_head>?) -> Int32 = {
        context, requestJSON, contextJSON, head in
        let exported = ExportedProvider.from(context)
        guard
            let head, Int(head.pointee.struct_size) >= MemoryLayout<lyrebird_stream_head>.size,
            let request = try? PluginJSON.request(from: PluginBytes.copy(requestJSON)),
            let replyContext = try? PluginJSON.decode(ReplyContext.self, from: PluginBytes.copy(contextJSON))
        else { return LYREBIRD_ERROR }
        let stream = ExportedStream(encoder: exported.provider.makeStreamEncoder(for: request, context: replyContext), owner: exported)
        let headers = stream.encoder.headers
        exported.give(Array(stream.encoder.contentType.utf8), to: &head.pointee.content_type)
        exported.give(headers.isEmpty ? [] : PluginJSON.headerBytes(headers), to: &head.pointee.headers_json)
        exported.give(stream.encoder.start(), to: &head.pointee.start)
        head.pointee.stream = Unmanaged.passRetained(stream).toOpaque()
        return LYREBIRD_OK
    }

private let answerCallback:
    @convention(c) (
        UnsafeMutableRawPointer?, UnsafePointer<lyrebird_wire_request>?, lyrebird_bytes, lyrebird_bytes,
        UnsafeMutablePointer<lyrebird_response>?
    ) -> Int32 = { context, request, hostJSON, contextJSON, out in
        let exported = ExportedProvider.from(context)
        guard
            let request,
            let read = try? exported.read(request.pointee),
            let host = try? PluginJSON.decode(HostInfo.self, from: PluginBytes.copy(hostJSON)),
            let replyContext = try? PluginJSON.decode(ReplyContext.self, from: PluginBytes.copy(contextJSON))
        else { return LYREBIRD_ERROR }
        let (wireRequest, route) = read
        let provider = exported.provider
        // The host calls answer on one of its script threads, which may block (see
        // lyrebird_provider.answer): the provider's code runs there too.
        let response = CallingThreadExecutor.run {
            await provider.answer(wireRequest, route: route, host: host, context: replyContext)
        }
        return exported.fill(out, with: response)
    }

private let streamEncodeCallback:
    @convention(c) (UnsafeMutableRawPointer?, lyrebird_bytes, UInt32, UnsafeMutablePointer<lyrebird_buffer>?) -> Int32 = {
        handle, eventJSON, choice, out in
        let stream = ExportedStream.from(handle)
        guard let event = try? PluginJSON.decode(ReplyEvent.self, from: PluginBytes.copy(eventJSON)) else { return LYREBIRD_ERROR }
        stream.owner.give(stream.encoder.encode(event, choice: Int(choice)), to: out)
        return LYREBIRD_OK
    }

private let streamFinishCallback: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<lyrebird_buffer>?) -> Int32 = {
    handle, out in
    let stream = ExportedStream.from(handle)
    stream.owner.give(stream.encoder.finish(), to: out)
    return LYREBIRD_OK
}

private let streamAbortCallback: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?) -> Void = { handle, reason in
    ExportedStream.from(handle).encoder.abandoned(reason: reason.map { String(cString: $0) } ?? "")
}

private let streamCloseCallback: @convention(c) (UnsafeMutableRawPointer?) -> Void = { handle in
    guard let handle else { return }
    Unmanaged<ExportedStream>.fromOpaque(handle).release()
}

/// The state of one stream the host opened; the host uses it from one thread at a time.
private final class ExportedStream {
    var encoder: any StreamEncoder
    let owner: ExportedProvider

    init(encoder: any StreamEncoder, owner: ExportedProvider) {
        self.encoder = encoder
        self.owner = owner
    }

    static func from(_ handle: UnsafeMutableRawPointer?) -> ExportedStream {
        Unmanaged<ExportedStream>.fromOpaque(handle!).takeUnretainedValue()
    }
}

private let rateLimitHeadersCallback:
    @convention(c) (UnsafeMutableRawPointer?, lyrebird_bytes, UnsafeMutablePointer<lyrebird_buffer>?) -> Int32 = {
        context, figuresJSON, out in
        let exported = ExportedProvider.from(context)
        guard let figures = try? PluginJSON.decode(RateLimitFigures.self, from: PluginBytes.copy(figuresJSON)) else {
            return LYREBIRD_ERROR
        }
        let headers = exported.provider.rateLimitHeaders(figures)
        exported.give(headers.isEmpty ? [] : PluginJSON.headerBytes(headers), to: out)
        return LYREBIRD_OK
    }
