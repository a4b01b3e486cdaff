import CLyrebirdPlugin
import LyrebirdPluginAPI

/// A stream encoder that lives in a plugin. The stream state is the plugin's; the host closes
/// it when the last copy of this encoder goes away, after `finish()` or `abandoned(reason:)`.
struct PluginStreamEncoder: StreamEncoder {
    let contentType: String
    let headers: [Header]
    private let table: PluginProviderTable
    private let stream: PluginStreamHandle?
    private var startBytes: [UInt8]

    init(table: PluginProviderTable, providerName: String, request: CanonicalRequest, context: ReplyContext) {
        self.table = table
        let functions = table.table
        let call = functions.stream_open_v2 == nil ? "stream_open" : "stream_open_v2"
        var head = lyrebird_stream_head()
        head.struct_size = UInt32(MemoryLayout<lyrebird_stream_head>.size)
        let status = PluginBytes.lend(PluginJSON.requestBytes(request)) { request in
            PluginBytes.lend(PluginJSON.encode(context)) { context in
                if let openWithHead = functions.stream_open_v2 {
                    return openWithHead(functions.context, request, context, &head)
                }
                // A 1.0 provider: the same answers, without headers.
                return functions.stream_open(functions.context, request, context, &head.stream, &head.content_type, &head.start)
            }
        }
        let contentType = PluginBytes.take(&head.content_type)
        let headersJSON = PluginBytes.take(&head.headers_json)
        startBytes = PluginBytes.take(&head.start)
        self.contentType = contentType.isEmpty ? "text/event-stream" : String(decoding: contentType, as: UTF8.self)
        var headers: [Header] = []
        if !headersJSON.isEmpty {
            do {
                headers = try PluginJSON.headers(from: headersJSON)
            } catch {
                // The stream is already promised to the client; it goes without them.
                table.registration.log(
                    level: LYREBIRD_LOG_ERROR,
                    "provider \(providerName.debugDescription): \(call) returned headers the host cannot read: \(error.message)")
            }
        }
        self.headers = headers
        if status == LYREBIRD_OK, let handle = head.stream {
            stream = PluginStreamHandle(handle, table: table, providerName: providerName)
        } else {
            // The stream then carries nothing and the client sees it end early; the log says why.
            table.registration.log(
                level: LYREBIRD_LOG_ERROR, "provider \(providerName.debugDescription): \(call) failed with status \(status)")
            stream = nil
        }
    }

    mutating func start() -> [UInt8] {
        defer { startBytes = [] }
        return startBytes
    }

    mutating func encode(_ event: ReplyEvent, choice: Int) -> [UInt8] {
        guard table.understands(event) else { return [] }
        return stream?.encode(event, choice: choice) ?? []
    }

    mutating func finish() -> [UInt8] {
        stream?.finish() ?? []
    }

    mutating func abandoned(reason: String) {
        stream?.abort(reason: reason)
    }
}

/// One open plugin stream. The pipeline uses an encoder from one task at a time, which is what
/// the header promises the plugin.
final class PluginStreamHandle: @unchecked Sendable {
    // @unchecked: `handle` is only used by one task at a time (see above) and closed once, in deinit.
    private let handle: UnsafeMutableRawPointer
    private let table: PluginProviderTable
    private let providerName: String

    init(_ handle: UnsafeMutableRawPointer, table: PluginProviderTable, providerName: String) {
        self.handle = handle
        self.table = table
        self.providerName = providerName
    }

    func encode(_ event: ReplyEvent, choice: Int) -> [UInt8] {
        var out = lyrebird_buffer(data: nil, length: 0)
        let status = PluginBytes.lend(PluginJSON.encode(event)) { event in
            table.table.stream_encode(handle, event, UInt32(clamping: choice), &out)
        }
        return checked(status, "stream_encode", PluginBytes.take(&out))
    }

    func finish() -> [UInt8] {
        var out = lyrebird_buffer(data: nil, length: 0)
        let status = table.table.stream_finish(handle, &out)
        return checked(status, "stream_finish", PluginBytes.take(&out))
    }

    /// Tells the plugin the client went away, when it wants to know (stream_abort, ABI 1.1).
    func abort(reason: String) {
        guard let abort = table.table.stream_abort else { return }
        reason.withCString { abort(handle, $0) }
    }

    private func checked(_ status: Int32, _ call: String, _ bytes: [UInt8]) -> [UInt8] {
        guard status == LYREBIRD_OK else {
            table.registration.log(
                level: LYREBIRD_LOG_ERROR, "provider \(providerName.debugDescription): \(call) failed with status \(status)")
            return []
        }
        return bytes
    }

    deinit {
        table.table.stream_close(handle)
    }
}
