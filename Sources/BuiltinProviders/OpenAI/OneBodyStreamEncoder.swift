import LyrebirdPluginAPI

/// The stream encoder of an OpenAI-format provider whose routes answer with one body only
/// (`transports: [.http]`: embeddings, model lists). The host refuses `"stream": true` on such
/// routes before it chooses a reply, so no reply reaches this encoder; the `Provider` protocol
/// still asks every provider for one. It writes an error as chat streams do, and nothing for
/// the other events, which have no stream form on these routes.
struct OneBodyStreamEncoder: StreamEncoder {
    let contentType = "text/event-stream"

    mutating func start() -> [UInt8] { [] }

    mutating func encode(_ event: ReplyEvent, choice: Int) -> [UInt8] {
        guard case .error(let error) = event else { return [] }
        return ServerSentEvents.data(OpenAIErrorEncoding.body(for: error))
    }

    mutating func finish() -> [UInt8] { [] }
}
