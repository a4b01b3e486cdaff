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
}
