import LyrebirdPluginAPI

/// Writes a streamed Responses reply as Server-Sent Events: each event of
/// `ResponsesEventStream` as an `event: <type>` line and a `data: <json>` line, with no
/// `[DONE]` after the last. A completed reply is stored when the stream ends, as a whole one is
/// when it is encoded.
struct ResponsesStreamEncoder: StreamEncoder {
    let contentType = "text/event-stream"
    private var events: ResponsesEventStream
    private let request: CanonicalRequest
    private let store: ResponseStore

    init(request: CanonicalRequest, context: ReplyContext, store: ResponseStore) {
        events = ResponsesEventStream(envelope: ResponseEnvelope(request: request, context: context), promptTokens: context.promptTokens)
        self.request = request
        self.store = store
    }

    mutating func start() -> [UInt8] {
        var bytes: [UInt8] = []
        events.start { type, payload in Self.frame(type, payload, into: &bytes) }
        return bytes
    }

    mutating func encode(_ event: ReplyEvent, choice: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        encode(event, choice: choice, into: &bytes)
        return bytes
    }

    mutating func encode(_ event: ReplyEvent, choice: Int, into bytes: inout [UInt8]) {
        events.encode(event) { type, payload in Self.frame(type, payload, into: &bytes) }
    }

    mutating func finish() -> [UInt8] {
        var bytes: [UInt8] = []
        let ending = events.finish { type, payload in Self.frame(type, payload, into: &bytes) }
        if let ending, events.envelope.store {
            store.keep(ending.body, id: events.envelope.id, output: ending.output, for: request)
        }
        return bytes
    }

    private static let eventField = Array("event: ".utf8)
    private static let dataField = Array("\ndata: ".utf8)
    private static let eventEnd = Array("\n\n".utf8)

    private static func frame(_ type: String, _ payload: (inout [UInt8]) -> Void, into bytes: inout [UInt8]) {
        bytes += eventField
        bytes += type.utf8
        bytes += dataField
        payload(&bytes)
        bytes += eventEnd
    }
}
