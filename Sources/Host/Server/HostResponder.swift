import Foundation
import HTTPTypes
import Hummingbird
import LyrebirdPluginAPI
import NIOCore

/// Answers every HTTP request: finds the provider route or admin endpoint, reads the body
/// within the size limit, runs the pipeline, and writes the reply. Nothing a request does can
/// stop the server: every failure becomes an error response.
struct HostResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    enum Handler: Sendable {
        case provider(any Provider, ProviderRoute)
        case admin(AdminEndpoint)
    }

    let routes: RouteTable<Handler>
    let pipeline: Pipeline
    let admin: AdminAPI
    let adminAccess: AdminAccess
    let cors: CORSPolicy
    let maxBodyBytes: Int
    /// What all requests together may hold (`max_buffered_bytes`).
    let buffers: BufferBudget

    func respond(to request: Request, context: Context) async throws -> Response {
        let requestID = Identifiers.requestID()
        let origin = request.headers[.origin]
        if request.method == .options {
            return preflight(request, origin: origin, requestID: requestID)
        }
        var response = try await route(request, requestID: requestID)
        response.headers[.init("x-request-id")!] = requestID
        if let origin {
            response.headers.append(contentsOf: cors.responseHeaders(origin: origin, admin: isAdmin(request.uri.path)))
        }
        return response
    }

    /// Answers a CORS preflight for whatever the path serves.
    private func preflight(_ request: Request, origin: String?, requestID: String) -> Response {
        let path = request.uri.path
        let allowed = routes.handlers(at: path).map(\.method)
        guard !allowed.isEmpty else {
            // Nothing is served here: the 404 any other request to the path gets, error body included.
            var response = Self.response(errorResponse(.unknownURL("OPTIONS", path), near: path, requestID: requestID))
            response.headers[.init("x-request-id")!] = requestID
            return response
        }
        let (status, fields) = cors.preflight(
            origin: origin, requestedHeaders: request.headers[.accessControlRequestHeaders],
            allowedMethods: allowed.map(\.rawValue), admin: isAdmin(path))
        var response = Response(status: status, headers: fields)
        response.headers[.init("x-request-id")!] = requestID
        return response
    }

    private func isAdmin(_ path: String) -> Bool {
        routes.handlers(at: path).contains { entry in
            if case .admin = entry.handler { return true }
            return false
        }
    }

    private func route(_ request: Request, requestID: String) async throws -> Response {
        let path = request.uri.path
        guard let method = HTTPMethodName(rawValue: request.method.rawValue) else {
            let error = ReplyError(
                status: 405, message: "Method \(request.method.rawValue) is not supported.", type: "invalid_request_error")
            return Self.response(errorResponse(error, near: path, requestID: requestID))
        }
        let declared = request.headers[.contentLength].flatMap { Int($0) }
        if let declared, declared > maxBodyBytes {
            // Refused before reading: the client learns at once, and nothing waits for bytes
            // that will be thrown away.
            return Self.response(errorResponse(.requestTooLarge(limit: maxBodyBytes), near: path, requestID: requestID))
        }
        // The body counts against the host's bound from its first byte until the reply is made.
        var reserved = 0
        defer { buffers.release(reserved) }
        if let declared {
            guard buffers.reserve(declared) else {
                return Self.response(errorResponse(.buffersFull(limit: buffers.limit), near: path, requestID: requestID))
            }
            reserved = declared
        }
        // A body over the limit is answered here. Any other failure to read it ends the connection
        // (the client went away, or the connection guard has answered it: a timeout, malformed
        // framing), so it is thrown on.
        var body: [UInt8] = []
        body.reserveCapacity(declared ?? 0)
        for try await part in request.body {
            guard part.readableBytes <= maxBodyBytes - body.count else {
                return Self.response(errorResponse(.requestTooLarge(limit: maxBodyBytes), near: path, requestID: requestID))
            }
            if declared == nil {
                guard buffers.reserve(part.readableBytes) else {
                    return Self.response(errorResponse(.buffersFull(limit: buffers.limit), near: path, requestID: requestID))
                }
                reserved += part.readableBytes
            }
            body.append(contentsOf: part.readableBytesView)
        }
        var headers: [Header] = []
        headers.reserveCapacity(request.headers.count + 1)
        // HTTP/1's Host travels as the authority pseudo-header in HTTPTypes; callers know it as host.
        if let authority = request.head.authority { headers.append(Header(name: "host", value: authority)) }
        for field in request.headers { headers.append(Header(name: field.name.canonicalName, value: field.value)) }
        let wire = WireRequest(method: method, path: path, query: request.uri.query ?? "", headers: headers, body: body)
        switch await handle(wire, requestID: requestID) {
        case .whole(let reply):
            return Self.response(reply)
        case .stream(let stream):
            var headers = HTTPFields()
            headers[.contentType] = stream.contentType
            for header in stream.headers {
                if let name = HTTPField.Name(header.name) { headers.append(HTTPField(name: name, value: header.value)) }
            }
            let text = !stream.contentType.contains("eventstream")
            return Response(
                status: .ok, headers: headers,
                body: ResponseBody { writer in
                    while let bytes = await stream.next() {
                        guard !bytes.isEmpty else { continue }
                        do {
                            if let split = stream.split {
                                try await Self.write(split.prepared(bytes, text: text), in: split, to: &writer)
                            } else {
                                try await writer.write(ByteBuffer(bytes: bytes))
                            }
                        } catch {
                            stream.cancel(reason: "client went away: \(error)")
                            throw error
                        }
                    }
                    if stream.cut { throw Self.closed() }
                    try await writer.finish(nil)
                }
            )
        case .faulted(let reply, let fault):
            var response = Self.response(reply)
            let body = reply.body
            // The whole body's length, so that a cut one reads as a body that stopped short.
            response.body = ResponseBody(contentLength: body.count) { writer in
                switch fault {
                case .cut(let count):
                    try await writer.write(ByteBuffer(bytes: body.prefix(count)))
                    throw Self.closed()
                case .split(let split):
                    try await Self.write(body, in: split, to: &writer)
                    try await writer.finish(nil)
                }
            }
            return response
        case .dropped:
            throw Self.closed()
        case .live(let contentType, let stream):
            var headers = HTTPFields()
            headers[.contentType] = contentType
            headers[.cacheControl] = "no-cache"
            return Response(
                status: .ok, headers: headers,
                body: ResponseBody { writer in
                    defer { stream.stop() }
                    for await part in stream.events {
                        try await writer.write(ByteBuffer(bytes: part))
                    }
                    try await writer.finish(nil)
                })
        }
    }

    /// Writes `bytes` in the pieces `split` cuts, waiting between them.
    private static func write(_ bytes: [UInt8], in split: Fault.Split, to writer: inout some ResponseBodyWriter) async throws {
        for (index, piece) in split.pieces(of: bytes).enumerated() {
            if index > 0 && split.pauseMilliseconds > 0 { try await Task.sleep(for: .milliseconds(split.pauseMilliseconds)) }
            try await writer.write(ByteBuffer(bytes: piece))
        }
    }

    /// Closes the connection the fault stage cuts, and the error that ends the response on it.
    private static func closed() -> CancellationError {
        ConnectionHandle.closeCurrent()
        return CancellationError()
    }

    /// Routes a request that has been read whole: to an admin endpoint, or through the
    /// pipeline to a provider, or to a 404/405 error.
    func handle(_ wire: WireRequest, requestID: String) async -> Pipeline.Outcome {
        switch routes.lookup(wire.method, wire.path, request: wire) {
        case .notFound:
            let error = ReplyError.unknownURL(wire.method.rawValue, wire.path)
            pipeline.recordUnrouted(wire, requestID: requestID, error: error)
            return .whole(errorResponse(error, near: wire.path, requestID: requestID))
        case .methodNotAllowed(let allowed):
            let names = allowed.map(\.rawValue).joined(separator: ", ")
            let error = ReplyError(
                status: 405, message: "Method \(wire.method.rawValue) is not allowed for \(wire.path); use \(names).",
                type: "invalid_request_error", code: "method_not_allowed")
            pipeline.recordUnrouted(wire, requestID: requestID, error: error)
            var response = errorResponse(error, near: wire.path, requestID: requestID)
            response.headers.append(Header(name: "allow", value: names))
            return .whole(response)
        case .found(.admin(let endpoint), let parameters):
            if let refusal = adminAccess.refusal(of: wire, for: endpoint) {
                return .whole(AdminAPI.errorResponse(refusal))
            }
            if endpoint == .journalStream {
                switch admin.journalStream() {
                case .success(let stream): return .live(contentType: "text/event-stream", stream)
                case .failure(let error): return .whole(AdminAPI.errorResponse(error))
                }
            }
            return .whole(await admin.handle(endpoint, wire, parameters: parameters))
        case .found(.provider(let provider, let route), let parameters):
            var wire = wire
            wire.pathParameters = parameters
            switch route.answeredBy {
            case .fixtures: return await pipeline.handle(wire, route: route, provider: provider, requestID: requestID)
            case .provider: return await pipeline.answer(wire, route: route, provider: provider, requestID: requestID)
            }
        }
    }

    /// An error in the shape of the provider whose routes lie nearest to `path`, or in the
    /// OpenAI shape when no provider is near.
    private func errorResponse(_ error: ReplyError, near path: String, requestID: String) -> WireResponse {
        let context = ReplyContext.fresh(requestID: requestID)
        if let provider = nearestProvider(to: path) {
            return provider.encode(error, for: nil, context: context)
        }
        return AdminAPI.errorResponse(error)
    }

    private func nearestProvider(to path: String) -> (any Provider)? {
        let segments = path.split(separator: "/")
        var best: (provider: any Provider, shared: Int)?
        for entry in routes.entries {
            guard case .provider(let provider, _) = entry.handler else { continue }
            let shared = zip(entry.pattern.segments, segments).prefix(while: { pattern, segment in
                if case .literal(let text) = pattern { return text == segment }
                return true
            }).count
            if shared > (best?.shared ?? 0) { best = (provider, shared) }
        }
        return best?.provider
    }

    static func response(_ wire: WireResponse) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = wire.contentType
        for header in wire.headers {
            if let name = HTTPField.Name(header.name) { headers.append(HTTPField(name: name, value: header.value)) }
        }
        return Response(
            status: HTTPResponse.Status(code: wire.status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: wire.body))
        )
    }
}
