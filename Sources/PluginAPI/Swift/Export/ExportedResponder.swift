import CLyrebirdPlugin

/// A Swift `Responder` behind the C `lyrebird_responder` table.
///
/// The host calls `respond` on one of its script threads, which may block: the async responder
/// runs there (`CallingThreadExecutor`), so a responder that blocks holds that thread only, and
/// its events reach the host's sink from the thread the header requires.
final class ExportedResponder: @unchecked Sendable {
    // @unchecked: immutable after creation; see ExportedProvider.
    let responder: any Responder

    private init(responder: any Responder) {
        self.responder = responder
    }

    /// Registers `responder` with the host and returns the host's status.
    static func register(_ responder: some Responder, with api: UnsafePointer<lyrebird_host_api>) -> Int32 {
        guard let registerResponder = api.pointee.register_responder else { return LYREBIRD_ERROR }
        // Retained for ever: the host may call into it until the process ends.
        let context = Unmanaged.passRetained(ExportedResponder(responder: responder)).toOpaque()
        return responder.name.withCString { name in
            var table = lyrebird_responder(
                struct_size: UInt32(MemoryLayout<lyrebird_responder>.size), name: name, context: context, respond: respondCallback)
            return registerResponder(api.pointee.host, &table)
        }
    }
}

private let respondCallback:
    @convention(c) (UnsafeMutableRawPointer?, lyrebird_bytes, lyrebird_bytes, UnsafePointer<lyrebird_sink>?) -> Int32 = {
        context, requestJSON, paramsJSON, sink in
        guard let context, let sink else { return LYREBIRD_ERROR }
        let responder = Unmanaged<ExportedResponder>.fromOpaque(context).takeUnretainedValue().responder
        let bridge = SinkBridge(sink)
        let request: CanonicalRequest
        do {
            request = try PluginJSON.request(from: PluginBytes.copy(requestJSON))
        } catch {
            bridge.emitNow(
                .error(
                    ReplyError(status: 500, message: "responder \(responder.name.debugDescription) could not read the request: \(error)")))
            return LYREBIRD_OK
        }
        let parameters = (try? JSONValue.parse(PluginBytes.copy(paramsJSON), maximumDepth: PluginJSON.maximumDepth)) ?? .null
        CallingThreadExecutor.run {
            do {
                try await responder.respond(to: request, parameters: parameters, into: bridge)
            } catch let error as ReplyError {
                bridge.emitNow(.error(error))
            } catch {
                bridge.emitNow(.error(ReplyError(status: 500, message: "responder \(responder.name.debugDescription) failed: \(error)")))
            }
        }
        return LYREBIRD_OK
    }

/// A `ReplySink` over the host's C sink. Only valid while the host's respond call runs, which
/// runs the responder's task to its end on its own thread.
private final class SinkBridge: ReplySink, @unchecked Sendable {
    // @unchecked: the sink pointer is immutable and valid for as long as this object is used.
    private let sink: UnsafePointer<lyrebird_sink>

    init(_ sink: UnsafePointer<lyrebird_sink>) {
        self.sink = sink
    }

    func emit(_ event: ReplyEvent) async {
        if emitNow(event) == LYREBIRD_STOP {
            // The reply is over: let the responder see cancellation and stop early.
            withUnsafeCurrentTask { $0?.cancel() }
        }
    }

    func pause(milliseconds: Int) async {
        guard let pause = sink.pointee.pause else { return }
        if pause(sink.pointee.sink, UInt32(clamping: max(0, milliseconds))) == LYREBIRD_STOP {
            withUnsafeCurrentTask { $0?.cancel() }
        }
    }

    @discardableResult
    func emitNow(_ event: ReplyEvent) -> Int32 {
        guard let emit = sink.pointee.emit else { return LYREBIRD_ERROR }
        let bytes = PluginJSON.encode(event)
        return bytes.withUnsafeBufferPointer { emit(sink.pointee.sink, $0.baseAddress, $0.count) }
    }
}
