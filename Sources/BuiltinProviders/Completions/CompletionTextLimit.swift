import LyrebirdPluginAPI

/// Where a completion's text ends when the request limits it, as the real model ends it: just
/// before the first of the `stop` sequences (which is not sent), or after `max_tokens` tokens,
/// whichever comes first.
///
/// It takes the text piece by piece, as a stream delivers it. The end of a piece that could
/// begin a stop sequence is held back until the next piece shows whether it does; the end of
/// the reply sends what is still held. Tokens are counted as `TokenLogprobs` cuts them, which
/// is the host's counting rule.
struct CompletionTextLimit {
    /// The stop sequences as UTF-8, none of them empty.
    private let stops: [[UInt8]]
    private let maxTokens: Int?
    /// The end of the text so far that may begin a stop sequence.
    private var held: [UInt8] = []
    /// Tokens let through so far.
    private(set) var tokens = 0
    /// Why the text was cut, once it was; nothing more passes then.
    private(set) var cut: FinishReason?

    init(stops: [String], maxTokens: Int?) {
        self.stops = stops.filter { !$0.isEmpty }.map { Array($0.utf8) }
        self.maxTokens = maxTokens
    }

    /// Whether the request limits the text at all; without limits every piece passes whole.
    var isActive: Bool { !stops.isEmpty || maxTokens != nil }

    /// The part of the next piece of text that may be sent now.
    mutating func admit(_ text: String) -> String {
        guard cut == nil else { return "" }
        guard isActive else { return text }
        var pending = held + Array(text.utf8)
        held = []
        if let stop = firstStop(in: pending) {
            pending.removeSubrange(stop...)
            cut = .stop
        } else {
            let keep = heldBackLength(of: pending)
            held = Array(pending.suffix(keep))
            pending.removeLast(keep)
        }
        // Both cuts fall on the start of a scalar: a stop sequence is valid UTF-8.
        return counted(String(decoding: pending, as: UTF8.self))
    }

    /// What is still held back once the reply is complete: it began no stop sequence after all.
    mutating func flush() -> String {
        guard cut == nil, !held.isEmpty else { return "" }
        defer { held = [] }
        return counted(String(decoding: held, as: UTF8.self))
    }

    /// `text` up to the token limit, counting what passes; reaching the limit cuts the text
    /// (a stop sequence later in it then comes too late to matter).
    private mutating func counted(_ text: String) -> String {
        let pieces = TokenLogprobs.split(text[...])
        guard let maxTokens, tokens + pieces.count > maxTokens else {
            tokens += pieces.count
            return text
        }
        let room = maxTokens - tokens
        tokens = maxTokens
        cut = .length
        return pieces.prefix(room).joined()
    }

    /// The byte offset of the earliest stop sequence in `bytes`.
    private func firstStop(in bytes: [UInt8]) -> Int? {
        var earliest: Int?
        for stop in stops where stop.count <= bytes.count {
            let last = min(bytes.count - stop.count, (earliest ?? bytes.count) - 1)
            guard last >= 0 else { continue }
            for start in 0...last where bytes[start] == stop[0] && bytes[start..<(start + stop.count)].elementsEqual(stop) {
                earliest = start
                break
            }
        }
        return earliest
    }

    /// The length of the longest end of `bytes` that is the beginning of a stop sequence.
    private func heldBackLength(of bytes: [UInt8]) -> Int {
        var longest = 0
        for stop in stops {
            var length = min(stop.count - 1, bytes.count)
            while length > longest {
                if bytes[(bytes.count - length)...].elementsEqual(stop[..<length]) {
                    longest = length
                    break
                }
                length -= 1
            }
        }
        return longest
    }
}
