import LyrebirdPluginAPI

/// Writes a streamed Responses reply as WebSocket messages: each event of
/// `ResponsesEventStream` one message, its JSON object alone, as the Responses WebSocket mode
/// sends them. A completed reply is stored when the stream ends, as over SSE.
struct ResponsesFrameEncoder: FrameEncoder {
    private var events: ResponsesEventStream
    private let request: CanonicalRequest
    private let store: ResponseStore

    init(request: CanonicalRequest, context: ReplyContext, store: ResponseStore) {
        events = ResponsesEventStream(envelope: ResponseEnvelope(request: request, context: context), promptTokens: context.promptTokens)
        self.request = request
        self.store = store
    }

    mutating func start(into messages: inout [[UInt8]]) {
        events.start { _, payload in Self.message(payload, into: &messages) }
    }

    mutating func encode(_ event: ReplyEvent, choice: Int, into messages: inout [[UInt8]]) {
        events.encode(event) { _, payload in Self.message(payload, into: &messages) }
    }

    mutating func finish(into messages: inout [[UInt8]]) {
        let ending = events.finish { _, payload in Self.message(payload, into: &messages) }
        if let ending, events.envelope.store {
            store.keep(ending.body, id: events.envelope.id, output: ending.output, for: request)
        }
    }

    private static func message(_ payload: (inout [UInt8]) -> Void, into messages: inout [[UInt8]]) {
        var bytes: [UInt8] = []
        payload(&bytes)
        messages.append(bytes)
    }
}
