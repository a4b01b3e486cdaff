// A Swift plugin whose code blocks its thread, as a plugin doing synchronous I/O does: the
// responder "blocking-sleep" and the provider's own route GET /blocking/wait each sleep for
// `milliseconds` (a fixture parameter, or the query) with the C library's usleep, then answer.
// The host must run them on its script threads, where blocking is allowed, so that the threads
// serving everyone else stay free (test_plugins.py).

import LyrebirdPluginAPI

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@_cdecl("lyrebird_plugin_entry")
public func lyrebirdPluginEntry(host: UnsafeRawPointer?, info: UnsafeMutableRawPointer?) -> Int32 {
    LyrebirdPlugin.entry(host: host, info: info, name: "blocking", version: "1.0.0") { setup in
        try setup.add(BlockingSleep())
        try setup.add(BlockingProvider())
    }
}

/// Blocks for `milliseconds`, then says so.
private func blockingSleep(milliseconds: Int) -> String {
    usleep(UInt32(clamping: milliseconds * 1000))
    return "slept \(milliseconds) ms"
}

struct BlockingSleep: Responder {
    let name = "blocking-sleep"

    func respond(to request: CanonicalRequest, parameters: JSONValue, into sink: any ReplySink) async throws {
        let milliseconds = Int(parameters["milliseconds"]?.doubleValue ?? 1000)
        await sink.emit(.text(blockingSleep(milliseconds: milliseconds)))
    }
}

struct BlockingProvider: Provider {
    let name = "blocking"
    let routes = [ProviderRoute(method: .get, path: "/blocking/wait", operation: "blocking.wait", answeredBy: .provider)]

    func decode(_ request: WireRequest, route: ProviderRoute) throws(ReplyError) -> CanonicalRequest {
        throw ReplyError(status: 404, message: "answered by the provider")
    }

    func encode(_ reply: CompletedReply, for request: CanonicalRequest, context: ReplyContext) -> WireResponse {
        WireResponse(status: 200, body: Array((reply.choices.first?.text ?? "").utf8))
    }

    func encode(_ error: ReplyError, for request: CanonicalRequest?, context: ReplyContext) -> WireResponse {
        WireResponse(status: error.status, body: Array(error.message.utf8))
    }

    func makeStreamEncoder(for request: CanonicalRequest, context: ReplyContext) -> any StreamEncoder {
        PlainText()
    }

    func answer(_ request: WireRequest, route: ProviderRoute, host: HostInfo, context: ReplyContext) async -> WireResponse {
        let milliseconds = request.query.split(separator: "=").last.flatMap { Int($0) } ?? 1000
        return WireResponse(status: 200, contentType: "text/plain", body: Array(blockingSleep(milliseconds: milliseconds).utf8))
    }
}

struct PlainText: StreamEncoder {
    let contentType = "text/plain"

    func start() -> [UInt8] { [] }

    func encode(_ event: ReplyEvent, choice: Int) -> [UInt8] {
        guard case .text(let text) = event else { return [] }
        return Array(text.utf8)
    }

    func finish() -> [UInt8] { [] }
}
