import NIOCore

/// Follows the bytes of one HTTP/1 connection far enough to learn two things NIO's decoder does
/// not report: whether the next request has begun (its first byte starts the head timeout), and
/// the size each chunk of a chunked body declares (a size over the limit is refused before its
/// data arrives).
///
/// The decoder stays the authority: it reads the bytes first and hands the tracker each request's
/// body framing as it decodes the head. Whatever the tracker does not expect (a head it was not
/// told about, a malformed chunk line, which the decoder rejects anyway) makes it stop following
/// the connection instead of guessing.
struct RequestFramingTracker {
    /// How a request's body is delimited, as its head says.
    enum BodyFraming: Equatable {
        case none
        case length(Int)
        case chunked
    }

    /// Where the connection's bytes stand.
    enum Position: Equatable {
        /// Between requests: nothing of the next one has arrived (blank lines do not count).
        case betweenRequests
        /// Part of a request head has arrived, not all of it.
        case inHead
        /// Inside a request body.
        case inBody
        /// The tracker stopped following the connection.
        case unknown
    }

    private enum State {
        case betweenRequests
        /// Inside a head; `matched` counts how much of the CR LF CR LF that ends it was just seen.
        case head(matched: Int)
        case fixedBody(remaining: Int)
        /// Reading a chunk size's hex digits.
        case chunkSize(value: Int, digits: Int)
        /// The rest of a chunk-size line (extensions, CR) up to its LF.
        case chunkLine(size: Int)
        case chunkData(remaining: Int)
        /// The CR LF after a chunk's data.
        case chunkDataEnd
        /// A trailer line of the last chunk; `empty` while the line holds nothing but CR.
        case trailer(empty: Bool)
        case lost
    }

    /// The largest body a request may have.
    let maxBodyBytes: Int
    private var state = State.betweenRequests
    /// Framings of heads the decoder has decoded and the tracker has not reached yet.
    private var framings: [BodyFraming] = []
    /// Bytes the chunks of the current body have declared so far.
    private var declared = 0

    init(maxBodyBytes: Int) {
        self.maxBodyBytes = maxBodyBytes
    }

    var position: Position {
        switch state {
        case .betweenRequests: return .betweenRequests
        case .head: return .inHead
        case .lost: return .unknown
        default: return .inBody
        }
    }

    /// The framing of the next head the decoder decoded, in order.
    mutating func expect(_ framing: BodyFraming) {
        if case .lost = state { return }
        framings.append(framing)
    }

    /// Follows bytes the decoder has just read.
    ///
    /// - Returns: `false` as soon as a chunk declares more than `maxBodyBytes` in all.
    mutating func consume(_ buffer: ByteBuffer) -> Bool {
        buffer.withUnsafeReadableBytes { bytes in
            var index = 0
            while index < bytes.count {
                switch state {
                case .fixedBody(let remaining):
                    let taken = min(remaining, bytes.count - index)
                    index += taken
                    state = taken == remaining ? .betweenRequests : .fixedBody(remaining: remaining - taken)
                case .chunkData(let remaining):
                    let taken = min(remaining, bytes.count - index)
                    index += taken
                    state = taken == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - taken)
                case .head(var matched):
                    // Every request passes here: one tight loop over the head, not a step per byte.
                    while index < bytes.count && matched < 4 {
                        let byte = bytes[index]
                        index += 1
                        if byte == (matched % 2 == 0 ? Self.cr : Self.lf) {
                            matched += 1
                        } else {
                            matched = byte == Self.cr ? 1 : 0
                        }
                    }
                    if matched == 4 { startBody() } else { state = .head(matched: matched) }
                case .lost:
                    return true
                default:
                    if !step(bytes[index]) { return false }
                    index += 1
                }
            }
            return true
        }
    }

    /// Reads one byte outside a body's data.
    private mutating func step(_ byte: UInt8) -> Bool {
        switch state {
        case .betweenRequests:
            // The decoder skips blank lines before a request line; so does the tracker.
            if byte != Self.cr && byte != Self.lf { state = .head(matched: 0) }
        case .chunkSize(let value, let digits):
            guard let digit = Self.hexValue(byte) else {
                guard digits > 0 else {
                    state = .lost
                    return true
                }
                state = .chunkLine(size: value)
                return step(byte)
            }
            // Capped just above the limit: a longer size line cannot overflow.
            let size = min(value * 16 + digit, maxBodyBytes + 1)
            if declared + size > maxBodyBytes { return false }
            state = .chunkSize(value: size, digits: digits + 1)
        case .chunkLine(let size):
            guard byte == Self.lf else { break }
            if size == 0 {
                state = .trailer(empty: true)
            } else {
                declared += size
                state = .chunkData(remaining: size)
            }
        case .chunkDataEnd:
            if byte == Self.lf { state = .chunkSize(value: 0, digits: 0) }
        case .trailer(let empty):
            if byte == Self.lf {
                state = empty ? .betweenRequests : .trailer(empty: true)
            } else if byte != Self.cr {
                state = .trailer(empty: false)
            }
        case .head, .fixedBody, .chunkData, .lost:
            break
        }
        return true
    }

    /// The head just ended: its body follows, framed as the decoder said.
    private mutating func startBody() {
        guard !framings.isEmpty else {
            state = .lost
            return
        }
        switch framings.removeFirst() {
        case .none, .length(0):
            state = .betweenRequests
        case .length(let length):
            state = .fixedBody(remaining: length)
        case .chunked:
            declared = 0
            state = .chunkSize(value: 0, digits: 0)
        }
    }

    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(byte - UInt8(ascii: "A")) + 10
        default: return nil
        }
    }
}
