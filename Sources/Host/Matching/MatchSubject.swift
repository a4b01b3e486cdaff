import LyrebirdPluginAPI

/// One request as the fixtures of one snapshot see it. Each field is examined once, on first
/// use, for every fixture at the same time: its exact-value id and the `contains` needles that
/// occur in it.
///
/// Matching asks it a question per fixture, so answers are plain loads: bits in one buffer and
/// ids in a fixed array, with no copies or reference counting per question.
final class MatchSubject {
    let request: CanonicalRequest
    /// Stops a Lua predicate that runs for this request.
    let cancellation: ScriptCancellation?
    /// Why Lua predicates that ran for this request failed (an error, a limit): each counted as
    /// no match, and reported in the request's journal entry.
    var predicateFailures: [String] = []
    private let indexes: [FieldIndex]
    /// The needle bits of every field, one run of words per field.
    private let needleBits: UnsafeMutablePointer<UInt64>
    private let wordOffsets: [Int]
    @exclusivity(unchecked) private var exactValueIDs: [Int?] = [nil, nil, nil]
    @exclusivity(unchecked) private var texts: [String?] = [nil, nil, nil]
    @exclusivity(unchecked) private var normalizedTexts: [[Character]?] = [nil, nil, nil]
    @exclusivity(unchecked) private var examined: UInt8 = 0

    init(_ request: CanonicalRequest, indexes: [FieldIndex], cancellation: ScriptCancellation?) {
        self.request = request
        self.cancellation = cancellation
        self.indexes = indexes
        var offsets: [Int] = []
        var words = 0
        for index in indexes {
            offsets.append(words)
            words += (index.needles.needleCount + 63) / 64
        }
        wordOffsets = offsets
        needleBits = .allocate(capacity: max(words, 1))
        needleBits.initialize(repeating: 0, count: max(words, 1))
    }

    deinit {
        needleBits.deallocate()
    }

    func text(_ field: MatchField) -> String {
        examine(field)
        return texts[field.rawValue]!
    }

    /// The field's text as fuzzy matching compares it (see `FuzzySimilarity`), normalised once
    /// for every fixture.
    func normalizedText(_ field: MatchField) -> [Character] {
        if let text = normalizedTexts[field.rawValue] { return text }
        let text = FuzzySimilarity.normalized(self.text(field))
        normalizedTexts[field.rawValue] = text
        return text
    }

    func exactValueID(_ field: MatchField) -> Int? {
        examine(field)
        return exactValueIDs[field.rawValue]
    }

    func contains(_ needle: Int, in field: MatchField) -> Bool {
        examine(field)
        return needleBits[wordOffsets[field.rawValue] + needle >> 6] & (1 << UInt64(needle & 63)) != 0
    }

    /// Whether the field's text contains `needle` (lower-cased bytes), or `nil` when the indexes
    /// do not hold that needle.
    func contains(_ needle: [UInt8], in field: MatchField) -> Bool? {
        indexes[field.rawValue].needleIDs[needle].map { contains($0, in: field) }
    }

    @inline(__always)
    private func examine(_ field: MatchField) {
        let bit: UInt8 = 1 << UInt8(field.rawValue)
        guard examined & bit == 0 else { return }
        examined |= bit
        let index = indexes[field.rawValue]
        let text = field.text(of: request)
        texts[field.rawValue] = text
        exactValueIDs[field.rawValue] = index.exactValues[text]
        if index.needles.needleCount > 0 {
            let offset = wordOffsets[field.rawValue]
            index.needles.search(Array(text.lowercased().utf8)) { needle in
                needleBits[offset + needle >> 6] |= 1 << UInt64(needle & 63)
            }
        }
    }
}
