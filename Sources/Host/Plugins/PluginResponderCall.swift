import CLyrebirdPlugin
import LyrebirdPluginAPI
import Synchronization

/// One call of a plugin responder: the `lyrebird_sink` the plugin writes into, and the queue
/// that carries its events and pauses to the host task.
///
/// The plugin's script thread only enqueues, so emit and pause never block it; the host task
/// applies pauses in order between events.
final class PluginResponderCall: @unchecked Sendable {
    // @unchecked: `sinkTable` is written once in init and read by the plugin's script thread only;
    // all shared state is inside `state`.
    enum Item: Sendable {
        case event(ReplyEvent)
        case pause(Int)
    }

    private struct State {
        var stopped = false
        var emittedError = false
        var invalidEvent: String?
        var status: Int32?
    }

    let items: AsyncStream<Item>
    private let continuation: AsyncStream<Item>.Continuation
    private let state = Mutex(State())
    private let responderName: String
    private let registration: PluginRegistration
    private let sinkTable: UnsafeMutablePointer<lyrebird_sink>

    init(responderName: String, registration: PluginRegistration) {
        (items, continuation) = AsyncStream.makeStream(of: Item.self, bufferingPolicy: .unbounded)
        self.responderName = responderName
        self.registration = registration
        sinkTable = .allocate(capacity: 1)
        sinkTable.initialize(
            to: lyrebird_sink(
                struct_size: UInt32(MemoryLayout<lyrebird_sink>.size), sink: nil,
                emit: { sink, json, length in
                    Unmanaged<PluginResponderCall>.fromOpaque(sink!).takeUnretainedValue().emit(PluginBytes.copy(json, length: length))
                },
                pause: { sink, milliseconds in
                    Unmanaged<PluginResponderCall>.fromOpaque(sink!).takeUnretainedValue().pause(Int(milliseconds))
                }))
    }

    deinit {
        sinkTable.deinitialize(count: 1)
        sinkTable.deallocate()
    }

    /// Lends the sink to `body`; this object stays alive until `body` returns.
    func withSink(_ body: (UnsafePointer<lyrebird_sink>) -> Int32) -> Int32 {
        sinkTable.pointee.sink = Unmanaged.passUnretained(self).toOpaque()
        return withExtendedLifetime(self) { body(sinkTable) }
    }

    private func emit(_ json: [UInt8]) -> Int32 {
        let event: ReplyEvent
        do {
            event = try PluginJSON.decode(ReplyEvent.self, from: json)
        } catch {
            let problem = "emitted an event the host cannot read (\(error.message)): \(String(decoding: json.prefix(200), as: UTF8.self))"
            registration.log(level: LYREBIRD_LOG_WARNING, "responder \(responderName.debugDescription) \(problem)")
            state.withLock { if $0.invalidEvent == nil { $0.invalidEvent = problem } }
            return LYREBIRD_ERROR
        }
        let stopped = state.withLock { state -> Bool in
            if case .error = event { state.emittedError = true }
            return state.stopped
        }
        guard !stopped else { return LYREBIRD_STOP }
        continuation.yield(.event(event))
        return LYREBIRD_OK
    }

    private func pause(_ milliseconds: Int) -> Int32 {
        guard !state.withLock({ $0.stopped }) else { return LYREBIRD_STOP }
        continuation.yield(.pause(milliseconds))
        return LYREBIRD_OK
    }

    /// Called on the plugin's script thread when respond returned.
    func finish(status: Int32) {
        state.withLock { $0.status = status }
        continuation.finish()
    }

    /// Ends the item stream of a call whose respond never ran.
    func abandon() {
        continuation.finish()
    }

    /// Makes every later emit and pause return `LYREBIRD_STOP`.
    func stop() {
        state.withLock { $0.stopped = true }
    }

    /// Why the call failed, when it did and no error event already told the client.
    var failure: String? {
        state.withLock { state in
            guard let status = state.status, status != LYREBIRD_OK, !state.emittedError else { return nil }
            return "respond returned status \(status)" + (state.invalidEvent.map { "; it \($0)" } ?? "")
        }
    }
}
