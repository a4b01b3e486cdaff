/// A `FrameEncoder` over a provider's `StreamEncoder`: each Server-Sent Event the stream
/// encoder writes becomes one message, its `data:` lines joined as the SSE rules join them;
/// `event:`, `id:`, `retry:` and comment lines are dropped, and so is the `[DONE]` sentinel, which
/// a message-based transport has no use for.
///
/// This is what `Provider.makeFrameEncoder(for:context:)` returns unless a provider writes its
/// own, so that any provider whose stream is SSE can serve WebSocket clients unchanged.
public struct ServerSentEventFrames: FrameEncoder {
    private var encoder: any StreamEncoder
    /// The bytes of an event whose blank line has not arrived yet.
    private var pending: [UInt8] = []

    /// Frames the output of `encoder`, which it owns from now on.
    public init(_ encoder: any StreamEncoder) {
        self.encoder = encoder
    }

    /// Appends the events of the stream encoder's `start()`.
    public mutating func start(into messages: inout [[UInt8]]) {
        split(encoder.start(), into: &messages)
    }

    /// Appends the events that this event's bytes complete.
    public mutating func encode(_ event: ReplyEvent, choice: Int, into messages: inout [[UInt8]]) {
        var bytes: [UInt8] = []
        encoder.encode(event, choice: choice, into: &bytes)
        split(bytes, into: &messages)
    }

    /// Appends the events of the stream encoder's `finish()`, and ends an event left without its
    /// blank line.
    public mutating func finish(into messages: inout [[UInt8]]) {
        split(encoder.finish(), into: &messages)
        // A stream that ends without the blank line still ends its last event.
        if !pending.isEmpty { split([Self.newline, Self.newline], into: &messages) }
    }

    private static let newline = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")
    private static let dataField = Array("data".utf8)
    private static let done = Array("[DONE]".utf8)

    /// Appends every event that `bytes` completes; keeps the rest for the next call.
    private mutating func split(_ bytes: [UInt8], into messages: inout [[UInt8]]) {
        pending += bytes
        var eventStart = 0
        var lineStart = 0
        var data: [UInt8]?
        var index = 0
        while index < pending.count {
            let byte = pending[index]
            guard byte == Self.newline || byte == Self.carriageReturn else {
                index += 1
                continue
            }
            // A CR at the end may be the first half of a CRLF that the next bytes complete.
            if byte == Self.carriageReturn, index + 1 == pending.count { break }
            let line = pending[lineStart..<index]
            // CRLF is one line ending.
            if byte == Self.carriageReturn, index + 1 < pending.count, pending[index + 1] == Self.newline { index += 1 }
            index += 1
            lineStart = index
            if line.isEmpty {
                if let payload = data, payload != Self.done { messages.append(payload) }
                data = nil
                eventStart = index
            } else if let value = Self.dataValue(line) {
                if data == nil {
                    data = Array(value)
                } else {
                    data!.append(Self.newline)
                    data! += value
                }
            }
        }
        pending.removeFirst(eventStart)
    }

    /// The value of a `data:` line (one space after the colon dropped), or `nil` for any other line.
    private static func dataValue(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        guard line.starts(with: dataField) else { return nil }
        var value = line.dropFirst(dataField.count)
        if value.isEmpty { return value }
        guard value.first == UInt8(ascii: ":") else { return nil }
        value = value.dropFirst()
        if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        return value
    }
}
