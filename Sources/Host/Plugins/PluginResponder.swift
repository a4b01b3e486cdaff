import CLyrebirdPlugin
import Foundation
import LyrebirdPluginAPI

/// A responder that lives in a plugin.
///
/// The plugin's respond may block (pauses, I/O), so it runs on a thread of its own, never on an
/// event loop or the cooperative pool. Its events come back through a queue and reach the
/// host's sink in order from this task.
struct PluginResponder: Responder {
    let name: String
    let table: PluginResponderTable

    func respond(to request: CanonicalRequest, parameters: JSONValue, into sink: any ReplySink) async throws {
        let call = PluginResponderCall(responderName: name, registration: table.registration)
        let requestBytes = PluginJSON.requestBytes(request)
        let parameterBytes = PluginJSON.encode(parameters)
        let table = self.table
        Thread.detachNewThread {
            let status = PluginBytes.lend(requestBytes) { request in
                PluginBytes.lend(parameterBytes) { parameters in
                    call.withSink { sink in
                        table.table.respond!(table.table.context, request, parameters, sink)
                    }
                }
            }
            call.finish(status: status)
        }
        for await item in call.items {
            switch item {
            case .event(let event): await sink.emit(event)
            case .pause(let milliseconds): await sink.pause(milliseconds: milliseconds)
            }
        }
        if Task.isCancelled {
            // The client went away: tell the plugin its next emit is the last.
            call.stop()
            return
        }
        if let failure = call.failure {
            throw ReplyError(status: 500, message: "responder \(name.debugDescription) failed: \(failure)", type: "server_error")
        }
    }
}
