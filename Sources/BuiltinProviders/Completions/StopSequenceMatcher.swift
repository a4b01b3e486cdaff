/// One stop sequence, matched byte by byte as text arrives: a Knuth–Morris–Pratt automaton
/// whose state carries over from one piece of text to the next, so finding the sequence takes
/// time linear in the text however long the sequence is and however finely the text is cut.
struct StopSequenceMatcher {
    /// The sequence as UTF-8; never empty.
    let bytes: [UInt8]
    /// For each prefix length `n`, the length of the longest proper prefix of the sequence that
    /// is also a suffix of its first `n` bytes (at `n - 1`).
    private let fallback: [Int]
    /// How many bytes of the sequence the text seen so far ends with.
    private(set) var matched = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        var fallback = [Int](repeating: 0, count: bytes.count)
        var length = 0
        for index in bytes.indices.dropFirst() {
            while length > 0 && bytes[index] != bytes[length] { length = fallback[length - 1] }
            if bytes[index] == bytes[length] { length += 1 }
            fallback[index] = length
        }
        self.fallback = fallback
    }

    /// Takes the next byte of the text; `true` when the text now ends with the whole sequence.
    mutating func advance(_ byte: UInt8) -> Bool {
        while matched > 0 && bytes[matched] != byte { matched = fallback[matched - 1] }
        if bytes[matched] == byte { matched += 1 }
        return matched == bytes.count
    }
}
