/// One message of AWS's event-stream framing (`application/vnd.amazon.eventstream`), as
/// Bedrock's streamed operations send it:
///
/// | Bytes | What |
/// | --- | --- |
/// | 4 | the whole message's length, big-endian |
/// | 4 | the headers' length, big-endian |
/// | 4 | CRC-32 of the eight bytes before it |
/// | ... | headers: name length (1 byte), name, value type (1 byte, 7 for a string), value length (2 bytes, big-endian), value |
/// | ... | the payload |
/// | 4 | CRC-32 of everything before it |
///
/// Clients check both checksums and refuse the stream when one is wrong.
struct EventStreamMessage {
    /// The headers, in order; every value is a string (type 7).
    var headers: [(name: String, value: String)]
    var payload: [UInt8]

    /// An `event` message: `:event-type` names it, and its payload is JSON.
    static func event(_ type: String, payload: [UInt8]) -> EventStreamMessage {
        EventStreamMessage(
            headers: [(":event-type", type), (":content-type", "application/json"), (":message-type", "event")], payload: payload)
    }

    /// An `exception` message: `:exception-type` names the exception (`throttlingException`),
    /// which the client raises with the payload's `message`.
    static func exception(_ type: String, payload: [UInt8]) -> EventStreamMessage {
        EventStreamMessage(
            headers: [(":exception-type", type), (":content-type", "application/json"), (":message-type", "exception")],
            payload: payload)
    }

    /// The value type of a string header.
    private static let stringType: UInt8 = 7

    /// Appends the framed message to `buffer`.
    func encode(into buffer: inout [UInt8]) {
        var headerBytes: [UInt8] = []
        for (name, value) in headers {
            let name = Array(name.utf8)
            let value = Array(value.utf8)
            // The lengths have one and two bytes; the headers written here are short constants
            // and exception names, so a longer one is left out rather than framed wrong.
            guard name.count <= Int(UInt8.max), value.count <= Int(UInt16.max) else { continue }
            headerBytes.append(UInt8(name.count))
            headerBytes += name
            headerBytes.append(Self.stringType)
            Self.append(UInt16(value.count), to: &headerBytes)
            headerBytes += value
        }
        let start = buffer.count
        let total = 12 + headerBytes.count + payload.count + 4
        buffer.reserveCapacity(start + total)
        Self.append(UInt32(truncatingIfNeeded: total), to: &buffer)
        Self.append(UInt32(truncatingIfNeeded: headerBytes.count), to: &buffer)
        Self.append(CRC32.checksum(of: buffer[start..<start + 8]), to: &buffer)
        buffer += headerBytes
        buffer += payload
        Self.append(CRC32.checksum(of: buffer[start...]), to: &buffer)
    }

    /// The framed message.
    var bytes: [UInt8] {
        var bytes: [UInt8] = []
        encode(into: &bytes)
        return bytes
    }

    private static func append(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes += [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    private static func append(_ value: UInt16, to bytes: inout [UInt8]) {
        bytes += [UInt8(value >> 8), UInt8(value & 0xFF)]
    }
}
