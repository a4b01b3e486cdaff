import LyrebirdPluginAPI

/// Where one reply comes from, decided once per request.
enum ReplySource: Sendable {
    /// A fixed reply, already cut into events.
    case prepared(PreparedReply)
    case error(ReplyError)
    case responder(any Responder, parameters: JSONValue)

    /// Runs a responder for choice 0 into `channel`, turning what it throws into an error event.
    static func run(
        _ responder: any Responder, parameters: JSONValue, for request: CanonicalRequest, into channel: ReplyChannel
    ) async {
        do {
            try await responder.respond(to: request, parameters: parameters, into: channel)
        } catch let error as ReplyError {
            await channel.emit(.error(error))
        } catch {
            await channel.emit(
                .error(
                    ReplyError(status: 500, message: "responder \(responder.name.debugDescription) failed: \(error)", type: "server_error"))
            )
        }
    }
}
