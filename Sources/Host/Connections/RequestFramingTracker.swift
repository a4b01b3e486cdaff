import NIOCore

/// Follows the bytes of one HTTP/1 connection far enough to learn what NIO's decoder does not
/// report: whether the next request has begun (its first byte starts the head timeout), the size
/// each chunk of a chunked body declares (a size over the limit is refused before its data
/// arrives), and request lines the decoder would wait on or misname: an HTTP/0.9 request line
/// (no version: the decoder waits for one until the head timeout) and a request line ended by a
/// bare LF (which the decoder calls an unsupported version).
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

    /// Why the tracker refuses what it read.
    enum Refusal: Equatable {
        /// A chunk declares more than `maxBodyBytes` in all.
        case bodyTooLarge
        /// A request line without an HTTP version: HTTP/0.9.
        case versionMissing
        /// A request line that ends in LF without CR.
        case bareLineFeed
    }

    private enum State {
        case betweenRequests
        /// In a request line: its last 16 bytes so far, and how many spaces it has held.
        case requestLine(tail: UInt128, spaces: Int)
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
        case .head, .requestLine: return .inHead
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
    /// - Returns: Why the connection must be refused, as soon as the bytes say so.
    mutating func consume(_ buffer: ByteBuffer) -> Refusal? {
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
                case .requestLine(var tail, var spaces):
                    while index < bytes.count {
                        let byte = bytes[index]
                        index += 1
                        guard byte != Self.lf else {
                            if let refusal = Self.checkRequestLine(tail: tail, spaces: spaces) { return refusal }
                            state = .head(matched: 2)
                            break
                        }
                        tail = tail << 8 | UInt128(byte)
                        if byte == Self.space { spaces += 1 }
                    }
                    if case .requestLine = state { state = .requestLine(tail: tail, spaces: spaces) }
                case .lost:
                    return nil
                default:
                    if !step(bytes[index]) { return .bodyTooLarge }
                    index += 1
                }
            }
            return nil
        }
    }

    /// Checks a request line that just ended in LF, from its last bytes and its number of spaces.
    private static func checkRequestLine(tail: UInt128, spaces: Int) -> Refusal? {
        // The byte `back` places before the LF.
        func byte(_ back: Int) -> UInt8 { UInt8(truncatingIfNeeded: tail >> UInt128(8 * (back - 1))) }
        guard byte(1) == cr else { return .bareLineFeed }
        // A line that ends well ends in ` HTTP/`, a digit, `.`, a digit, CR.
        let hasVersion =
            isDigit(byte(2)) && byte(3) == UInt8(ascii: ".") && isDigit(byte(4)) && byte(5) == UInt8(ascii: "/")
            && byte(6) == UInt8(ascii: "P") && byte(7) == UInt8(ascii: "T") && byte(8) == UInt8(ascii: "T")
            && byte(9) == UInt8(ascii: "H") && byte(10) == space
        // `METHOD target` and nothing after it is how HTTP/0.9 asks; anything else odd is the
        // decoder's to judge.
        return !hasVersion && spaces == 1 ? .versionMissing : nil
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// Reads one byte outside a body's data.
    private mutating func step(_ byte: UInt8) -> Bool {
        switch state {
        case .betweenRequests:
            // The decoder skips blank lines before a request line; so does the tracker.
            if byte != Self.cr && byte != Self.lf {
                state = .requestLine(tail: UInt128(byte), spaces: byte == Self.space ? 1 : 0)
            }
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
        case .head, .requestLine, .fixedBody, .chunkData, .lost:
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
    private static let space = UInt8(ascii: " ")

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(byte - UInt8(ascii: "A")) + 10
        default: return nil
        }
    }
}
