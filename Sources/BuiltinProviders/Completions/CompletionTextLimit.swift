import LyrebirdPluginAPI

/// Where a completion's text ends when the request limits it, as the real model ends it: just
/// before the first `stop` sequence the text completes (which is not sent), or after
/// `max_tokens` tokens, whichever comes first.
///
/// It takes the text piece by piece, as a stream delivers it. The end of a piece that could
/// begin a stop sequence is held back until the next piece shows whether it does; the end of
/// the reply sends what is still held. Tokens are counted as `TokenLogprobs` cuts them, which
/// is the host's counting rule.
struct CompletionTextLimit {
    /// The stop sequences, none of them empty, each with how much of it the text ends with.
    private var stops: [StopSequenceMatcher]
    private let maxTokens: Int?
    /// The end of the text so far that may begin a stop sequence is held back; it is the
    /// beginning of this stop sequence (the one the text ends with the most of), so it need
    /// not be copied from piece to piece.
    private var heldStop = 0
    private var heldLength = 0
    /// Tokens let through so far.
    private(set) var tokens = 0
    /// Why the text was cut, once it was; nothing more passes then.
    private(set) var cut: FinishReason?

    init(stops: [String], maxTokens: Int?) {
        self.stops = stops.filter { !$0.isEmpty }.map { StopSequenceMatcher(Array($0.utf8)) }
        self.maxTokens = maxTokens
    }

    /// Whether the request limits the text at all; without limits every piece passes whole.
    var isActive: Bool { !stops.isEmpty || maxTokens != nil }

    /// The part of the next piece of text that may be sent now.
    mutating func admit(_ text: String) -> String {
        guard cut == nil else { return "" }
        guard isActive else { return text }
        let piece = Array(text.utf8)
        var nextHeld = (stop: heldStop, length: 0)
        let end: Int
        if let stopStart = firstStopStart(in: piece) {
            end = stopStart
            cut = .stop
        } else {
            if let longest = stops.indices.max(by: { stops[$0].matched < stops[$1].matched }) {
                nextHeld = (longest, stops[longest].matched)
            }
            end = heldLength + piece.count - nextHeld.length
        }
        let sent = sendable(end, of: piece)
        (heldStop, heldLength) = nextHeld
        return counted(sent)
    }

    /// Feeds `piece` to the stop sequences up to the first byte that ends one; the offset where
    /// that sequence begins, counted from the start of the held text.
    private mutating func firstStopStart(in piece: [UInt8]) -> Int? {
        for (index, byte) in piece.enumerated() {
            var start: Int?
            for stop in stops.indices where stops[stop].advance(byte) {
                // Of sequences ending at the same byte, the longest began first.
                start = min(start ?? .max, heldLength + index + 1 - stops[stop].bytes.count)
            }
            if let start { return start }
        }
        return nil
    }

    /// What is still held back once the reply is complete: it began no stop sequence after all.
    mutating func flush() -> String {
        guard cut == nil, heldLength > 0 else { return "" }
        defer { heldLength = 0 }
        return counted(String(decoding: stops[heldStop].bytes[..<heldLength], as: UTF8.self))
    }

    /// The first `count` bytes of the held text followed by `piece`. Both cuts fall on the
    /// start of a scalar: a stop sequence is valid UTF-8.
    private func sendable(_ count: Int, of piece: [UInt8]) -> String {
        let held = stops.isEmpty ? [] : stops[heldStop].bytes[..<heldLength]
        if count <= held.count { return String(decoding: held.prefix(count), as: UTF8.self) }
        return String(decoding: held + piece[..<(count - held.count)], as: UTF8.self)
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
}
