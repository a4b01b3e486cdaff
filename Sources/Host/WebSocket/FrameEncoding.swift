import LyrebirdPluginAPI

/// A streamed reply as WebSocket messages: the provider's `FrameEncoder`, each message shaped
/// for the connection by `FrameShape`.
struct FrameEncoding: ReplyEncoding {
    var encoder: any FrameEncoder
    let shape: FrameShape
    /// Whether the reply ended in an error message, which then takes the place of the ending.
    private var failed = false

    init(encoder: any FrameEncoder, shape: FrameShape) {
        self.encoder = encoder
        self.shape = shape
    }

    /// Each message is one JSON object.
    var contentType: String { "application/json" }
    /// Messages travel on an open connection: no response headers.
    var headers: [Header] { [] }

    mutating func start(into batch: inout [[UInt8]]) {
        var messages: [[UInt8]] = []
        encoder.start(into: &messages)
        append(messages, to: &batch)
    }

    mutating func encode(_ event: ReplyEvent, choice: Int, into batch: inout [[UInt8]]) {
        guard !failed else { return }
        if case .error(let error) = event, shape.framesReplyErrors {
            failed = true
            batch.append(shape.error(error))
            return
        }
        var messages: [[UInt8]] = []
        encoder.encode(event, choice: choice, into: &messages)
        append(messages, to: &batch)
    }

    mutating func finish(into batch: inout [[UInt8]]) {
        guard !failed else { return }
        var messages: [[UInt8]] = []
        encoder.finish(into: &messages)
        append(messages, to: &batch)
        if let done = shape.done { batch.append(done) }
    }

    /// A frame encoder is not told of an early end: nothing more is sent on the connection.
    mutating func abandoned(reason: String) {}

    /// The messages, one a line.
    static func text(of batch: [[UInt8]], limit: Int) -> String {
        String(decoding: Array(batch.joined(separator: [0x0A]).prefix(limit)), as: UTF8.self)
    }

    /// A message whose JSON does not parse; a message has no framing of its own to break.
    func malformed(brokenFraming: Bool, into batch: inout [[UInt8]]) {
        batch.append(Array(#"{"lyrebird_fault": "malformed", "cut": "#.utf8))
    }

    private func append(_ messages: [[UInt8]], to batch: inout [[UInt8]]) {
        for message in messages { batch.append(shape.message(message)) }
    }
}
