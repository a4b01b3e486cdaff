import LyrebirdPluginAPI

/// Where one reply comes from, decided once per request.
enum ReplySource: Sendable {
    case staticReply(StaticReply)
    case error(ReplyError)
    case responder(any Responder, parameters: JSONValue)

    /// Produces the reply's events for choice 0 into `channel`.
    func run(for request: CanonicalRequest, into channel: ReplyChannel, chunkCharacters: Int?) async {
        switch self {
        case .staticReply(let reply):
            for event in reply.events(chunkCharacters: chunkCharacters, makeCallID: { Identifiers.toolCallID() }) {
                await channel.emit(event)
            }
        case .error(let error):
            await channel.emit(.error(error))
        case .responder(let responder, let parameters):
            do {
                try await responder.respond(to: request, parameters: parameters, into: channel)
            } catch let error as ReplyError {
                await channel.emit(.error(error))
            } catch {
                await channel.emit(
                    .error(
                        ReplyError(
                            status: 500, message: "responder \(responder.name.debugDescription) failed: \(error)", type: "server_error"))
                )
            }
        }
    }
}

/// Random ids in the shapes the real APIs use.
enum Identifiers {
    private static let alphanumerics = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
    private static let hexDigits = Array("0123456789abcdef")

    static func alphanumeric(_ length: Int) -> String {
        String((0..<length).map { _ in alphanumerics.randomElement()! })
    }

    static func hex(_ length: Int) -> String {
        String((0..<length).map { _ in hexDigits.randomElement()! })
    }

    static func requestID() -> String { "req_" + hex(32) }
    static func toolCallID() -> String { "call_" + alphanumeric(24) }
}
