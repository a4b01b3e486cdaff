import NIOCore

/// Follows the frames a WebSocket client sends (RFC 6455 §5.2), from the raw bytes and before
/// the library decodes them, for two things the library does not do: it refuses a client frame
/// that is not masked (§5.1: the server must close the connection), and it counts the bytes of
/// the message still arriving, which the host holds against `max_buffered_bytes` until the
/// message's last frame is in.
struct WebSocketFrameTracker {
    /// Why the client must be closed.
    enum Violation: Equatable {
        /// A frame without a masking key.
        case unmasked
    }

    /// What one read changed.
    struct Progress: Equatable {
        /// Payload bytes of the message in progress that arrived in this read.
        var arrived = 0
        /// Bytes of messages that ended in this read (counted in `arrived` of earlier reads or this one).
        var completed = 0
        var violation: Violation?
    }

    private enum State {
        /// Reading a frame header: the bytes so far, first byte highest, and how many.
        case header(bytes: UInt128, count: Int)
        /// Reading a frame's payload.
        case payload(remaining: UInt64, counted: Bool, final: Bool)
    }

    private var state = State.header(bytes: 0, count: 0)
    /// Payload bytes of the data message in progress.
    private(set) var messageBytes = 0

    /// Follows `buffer`, the next bytes the client sent.
    mutating func consume(_ buffer: ByteBuffer) -> Progress {
        var progress = Progress()
        buffer.withUnsafeReadableBytes { bytes in
            var index = 0
            while index < bytes.count {
                switch state {
                case .header(var header, var count):
                    while index < bytes.count {
                        header = header << 8 | UInt128(bytes[index])
                        count += 1
                        index += 1
                        if let length = Self.headerLength(header, count: count), count == length { break }
                    }
                    guard let length = Self.headerLength(header, count: count), count == length else {
                        state = .header(bytes: header, count: count)
                        continue
                    }
                    let frame = Self.frame(header, count: count)
                    guard frame.masked else {
                        progress.violation = .unmasked
                        return
                    }
                    // Text, binary and their continuations; the reserved opcodes end the
                    // connection in the library, and control frames are never held.
                    let isData = frame.opcode <= 2
                    state = .payload(remaining: frame.length, counted: isData, final: frame.final)
                    if frame.length == 0 { finishPayload(&progress) }
                case .payload(let remaining, let counted, let final):
                    let taken = Int(min(remaining, UInt64(bytes.count - index)))
                    index += taken
                    if counted {
                        messageBytes += taken
                        progress.arrived += taken
                    }
                    state = .payload(remaining: remaining - UInt64(taken), counted: counted, final: final)
                    if remaining == UInt64(taken) { finishPayload(&progress) }
                }
            }
        }
        return progress
    }

    /// A frame's payload is in: a data frame that ends its message completes the message.
    private mutating func finishPayload(_ progress: inout Progress) {
        if case .payload(_, let counted, let final) = state, counted && final {
            progress.completed += messageBytes
            messageBytes = 0
        }
        state = .header(bytes: 0, count: 0)
    }

    /// The length of a header whose first `count` bytes are in `header`, once it is known.
    private static func headerLength(_ header: UInt128, count: Int) -> Int? {
        guard count >= 2 else { return nil }
        let second = UInt8(truncatingIfNeeded: header >> UInt128(8 * (count - 2)))
        let extended: Int
        switch second & 0x7F {
        case 126: extended = 2
        case 127: extended = 8
        default: extended = 0
        }
        return 2 + extended + (second & 0x80 != 0 ? 4 : 0)
    }

    private static func frame(_ header: UInt128, count: Int) -> (final: Bool, opcode: UInt8, masked: Bool, length: UInt64) {
        func byte(_ offset: Int) -> UInt8 { UInt8(truncatingIfNeeded: header >> UInt128(8 * (count - 1 - offset))) }
        let first = byte(0)
        let second = byte(1)
        var length = UInt64(second & 0x7F)
        if length >= 126 {
            let size = length == 126 ? 2 : 8
            length = 0
            for offset in 0..<size { length = length << 8 | UInt64(byte(2 + offset)) }
        }
        return (first & 0x80 != 0, first & 0x0F, second & 0x80 != 0, length)
    }
}
