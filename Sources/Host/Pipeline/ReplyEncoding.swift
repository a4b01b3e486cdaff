import LyrebirdPluginAPI

/// How a `ReplyStream` turns events into what its transport sends: `Unit` is what one batch is
/// an array of (bytes of a body, or messages).
protocol ReplyEncoding: Sendable {
    associatedtype Unit: Sendable
    /// The content type of what the encoding produces.
    var contentType: String { get }
    /// Response headers the provider's encoder adds (none for WebSocket messages).
    var headers: [Header] { get }
    mutating func start(into batch: inout [Unit])
    mutating func encode(_ event: ReplyEvent, choice: Int, into batch: inout [Unit])
    mutating func finish(into batch: inout [Unit])
    /// The stream ended early (the client went away): said instead of `finish`.
    mutating func abandoned(reason: String)
    /// What the fault stage sends in place of a well-formed event: JSON that does not parse,
    /// or (`brokenFraming`) an event that runs into the next.
    func malformed(brokenFraming: Bool, into batch: inout [Unit])
    /// What one write holds, as the journal shows it: its first `limit` bytes as text.
    static func text(of batch: [Unit], limit: Int) -> String
}

/// A streamed HTTP body: the provider's `StreamEncoder`, its bytes appended one after another.
struct BodyEncoding: ReplyEncoding {
    var encoder: any StreamEncoder

    var contentType: String { encoder.contentType }
    var headers: [Header] { encoder.headers }

    mutating func start(into batch: inout [UInt8]) {
        batch += encoder.start()
    }

    mutating func encode(_ event: ReplyEvent, choice: Int, into batch: inout [UInt8]) {
        encoder.encode(event, choice: choice, into: &batch)
    }

    mutating func finish(into batch: inout [UInt8]) {
        batch += encoder.finish()
    }

    mutating func abandoned(reason: String) {
        encoder.abandoned(reason: reason)
    }

    static func text(of batch: [UInt8], limit: Int) -> String {
        String(decoding: batch.prefix(limit), as: UTF8.self)
    }

    /// By the stream's framing: an SSE event whose data is cut JSON, or one without the blank
    /// line that ends it; an NDJSON line cut, or one without its newline; for any other
    /// framing (Bedrock's binary event stream, a JSON array), bytes no decoder takes.
    func malformed(brokenFraming: Bool, into batch: inout [UInt8]) {
        let type = contentType.lowercased()
        let broken = #"{"lyrebird_fault": "malformed", "cut": "#
        if type.hasPrefix("text/event-stream") {
            batch += Array((brokenFraming ? #"data: {"lyrebird_fault": "malformed_sse"}"# + "\n" : "data: " + broken + "\n\n").utf8)
        } else if type.contains("ndjson") {
            batch += Array((brokenFraming ? #"{"lyrebird_fault": "malformed_sse"}"# : broken + "\n").utf8)
        } else {
            batch += [0x00, 0x00, 0x00, 0x10, 0xFF, 0xFF, 0xFF, 0xFF] + Array(broken.utf8)
        }
    }
}
