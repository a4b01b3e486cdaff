import CLyrebirdPlugin
import LyrebirdPluginAPI

/// A responder that lives in a plugin.
///
/// The plugin's respond may block (pauses, I/O), so it runs on one of the host's script
/// threads, never on an event loop or the cooperative pool. Its events come back through a
/// queue and reach the host's sink in order from this task, as they are emitted.
struct PluginResponder: ScriptResponder {
    let name: String
    let table: PluginResponderTable
    /// The host's script threads; `nil` until a host attaches the responder.
    private var threads: ScriptThreadPool?

    init(name: String, table: PluginResponderTable) {
        self.name = name
        self.table = table
    }

    func running(on runtime: ScriptRuntime) -> any Responder {
        var attached = self
        attached.threads = runtime.threads
        return attached
    }

    func respond(to request: CanonicalRequest, parameters: JSONValue, into sink: any ReplySink) async throws {
        guard let threads else {
            throw ReplyError(
                status: 500, message: "responder \(name.debugDescription) runs only on a host's script threads, and no host attached it",
                type: "server_error")
        }
        let call = PluginResponderCall(responderName: name, registration: table.registration)
        async let refusal = Self.run(
            table, call: call, request: PluginJSON.requestBytes(request), parameters: PluginJSON.encode(parameters), on: threads)
        for await item in call.items {
            switch item {
            case .event(let event): await sink.emit(event)
            case .pause(let milliseconds): await sink.pause(milliseconds: milliseconds)
            }
        }
        if let refusal = await refusal { throw refusal.replyError }
        if Task.isCancelled { return }
        if let failure = call.failure {
            throw ReplyError(status: 500, message: "responder \(name.debugDescription) failed: \(failure)", type: "server_error")
        }
    }

    /// Runs the plugin's respond on a script thread; returns why it did not run, if it did not.
    private static func run(
        _ table: PluginResponderTable, call: PluginResponderCall, request: [UInt8], parameters: [UInt8], on threads: ScriptThreadPool
    ) async -> ScriptPoolError? {
        do {
            try await threads.run { cancellation in
                // The client went away: the plugin's next emit or pause returns LYREBIRD_STOP.
                let status = cancellation.whileRunning(onCancel: { call.stop() }) {
                    PluginBytes.lend(request) { request in
                        PluginBytes.lend(parameters) { parameters in
                            call.withSink { sink in table.table.respond!(table.table.context, request, parameters, sink) }
                        }
                    }
                }
                call.finish(status: status)
            }
            return nil
        } catch {
            call.abandon()
            return error
        }
    }
}
