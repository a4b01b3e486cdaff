import LyrebirdPluginAPI

/// One request as the fixtures of one snapshot see it. Each field a condition tests has a slot;
/// each slot is examined once, on first use, for every fixture at the same time: its texts,
/// which exact values they are, and which `contains` needles occur in them.
///
/// Matching asks it a question per fixture, so answers are plain loads: bits in one buffer and
/// ids in arrays, with no copies or reference counting per question.
final class MatchSubject {
    let request: CanonicalRequest
    /// Stops a Lua predicate that runs for this request.
    let cancellation: ScriptCancellation?
    /// Why Lua predicates that ran for this request failed (an error, a limit): each counted as
    /// no match, and reported in the request's journal entry.
    var predicateFailures: [String] = []
    /// The request's context id, read once.
    lazy var contextID = request.contextID
    /// The places of the fixtures whose gates the request opens, in order, once worked out
    /// (`FixtureStore.Snapshot.candidates(for:)`).
    var candidates: [Int32]?
    private let indexes: [FieldIndex]
    /// The slot of each field the indexes have.
    private let slots: [MatchField: Int]
    /// The needle bits of every slot, one run of words per slot: case-folded needles first,
    /// then those that match case.
    private let needleBits: UnsafeMutablePointer<UInt64>
    private let wordOffsets: [Int]
    @exclusivity(unchecked) private var values: [[String]?]
    @exclusivity(unchecked) private var exactIDs: [[Int]]
    @exclusivity(unchecked) private var foldedExactIDs: [[Int]]
    @exclusivity(unchecked) private var normalizedTexts: [[[Character]]?]
    @exclusivity(unchecked) private var examined: [Bool]
    private var needleShares: [[Double]?]

    init(_ request: CanonicalRequest, indexes: [FieldIndex], cancellation: ScriptCancellation?) {
        self.request = request
        self.cancellation = cancellation
        self.indexes = indexes
        slots = Dictionary(indexes.enumerated().map { ($1.field, $0) }, uniquingKeysWith: { first, _ in first })
        var offsets: [Int] = []
        var words = 0
        for index in indexes {
            offsets.append(words)
            words += index.wordCount
        }
        wordOffsets = offsets
        needleBits = .allocate(capacity: max(words, 1))
        needleBits.initialize(repeating: 0, count: max(words, 1))
        values = Array(repeating: nil, count: indexes.count)
        exactIDs = Array(repeating: [], count: indexes.count)
        foldedExactIDs = Array(repeating: [], count: indexes.count)
        normalizedTexts = Array(repeating: nil, count: indexes.count)
        examined = Array(repeating: false, count: indexes.count)
        needleShares = Array(repeating: nil, count: indexes.count)
    }

    deinit {
        needleBits.deallocate()
    }

    /// The texts of `field`: from its slot when the indexes have one, read afresh otherwise.
    func values(of field: MatchField) -> [String] {
        slots[field].map(values) ?? field.values(of: request)
    }

    /// The texts of the field in `slot`.
    func values(_ slot: Int) -> [String] {
        examine(slot)
        return values[slot]!
    }

    /// The texts of the slot as fuzzy matching compares them (see `FuzzySimilarity`),
    /// normalised once for every fixture.
    func normalizedTexts(_ slot: Int) -> [[Character]] {
        if let texts = normalizedTexts[slot] { return texts }
        let texts = values(slot).map(FuzzySimilarity.normalized)
        normalizedTexts[slot] = texts
        return texts
    }

    /// The exact values (ids) some text of the slot is, ignoring case or not.
    func exactValues(in slot: Int, ignoringCase: Bool) -> [Int] {
        examine(slot)
        return ignoringCase ? foldedExactIDs[slot] : exactIDs[slot]
    }

    /// Calls `found` with every needle bit of the slot that is set: `contains` values, case
    /// folded then matching case, then pattern literals (`FieldIndex.literalBit`).
    func forEachSetBit(in slot: Int, _ found: (Int) -> Void) {
        examine(slot)
        let offset = wordOffsets[slot]
        for word in 0..<indexes[slot].wordCount {
            var bits = needleBits[offset + word]
            while bits != 0 {
                found(word << 6 + bits.trailingZeroBitCount)
                bits &= bits - 1
            }
        }
    }

    /// Whether some text of the slot is the exact value with this id.
    func hasExactValue(_ id: Int, in slot: Int, ignoringCase: Bool) -> Bool {
        examine(slot)
        return (ignoringCase ? foldedExactIDs[slot] : exactIDs[slot]).contains(id)
    }

    /// Whether some text of the slot, folded as patterns fold it, contains the pattern literal
    /// with this id.
    @inline(__always)
    func containsLiteral(_ literal: Int, in slot: Int) -> Bool {
        examine(slot)
        let bit = indexes[slot].literalBit(literal)
        return needleBits[wordOffsets[slot] + bit >> 6] & (1 << UInt64(bit & 63)) != 0
    }

    /// Whether some text of the slot contains the needle with this id.
    @inline(__always)
    func contains(_ needle: Int, in slot: Int, ignoringCase: Bool) -> Bool {
        examine(slot)
        let bit = ignoringCase ? needle : indexes[slot].foldedNeedles.needleCount + needle
        return needleBits[wordOffsets[slot] + bit >> 6] & (1 << UInt64(bit & 63)) != 0
    }

    /// How much of the needle with this id the slot's texts hold, 0 to 1, for ranking near
    /// misses: worked out for every needle of the slot on first use.
    func share(of needle: Int, in slot: Int, ignoringCase: Bool) -> Double {
        if needleShares[slot] == nil {
            needleShares[slot] = indexes[slot].trigrams.shares(in: values(slot).map { Array($0.lowercased().utf8) })
        }
        return needleShares[slot]![ignoringCase ? needle : indexes[slot].foldedNeedles.needleCount + needle]
    }

    @inline(__always)
    private func examine(_ slot: Int) {
        guard !examined[slot] else { return }
        examined[slot] = true
        let index = indexes[slot]
        let texts = index.field.values(of: request)
        values[slot] = texts
        let offset = wordOffsets[slot]
        let foldedCount = index.foldedNeedles.needleCount
        for text in texts {
            if let id = index.exactValues[text] { exactIDs[slot].append(id) }
            let folded = index.foldedExactValues.isEmpty && foldedCount == 0 ? nil : text.lowercased()
            if let folded, let id = index.foldedExactValues[folded] { foldedExactIDs[slot].append(id) }
            if foldedCount > 0, let folded {
                index.foldedNeedles.search(Array(folded.utf8)) { needle in
                    needleBits[offset + needle >> 6] |= 1 << UInt64(needle & 63)
                }
            }
            if index.patternLiterals.needleCount > 0 {
                let firstBit = index.literalBit(0)
                index.patternLiterals.search(Array(CompiledPattern.folded(text).utf8)) { literal in
                    let bit = firstBit + literal
                    needleBits[offset + bit >> 6] |= 1 << UInt64(bit & 63)
                }
            }
            if index.exactCaseNeedles.needleCount > 0 {
                index.exactCaseNeedles.search(Array(text.utf8)) { needle in
                    let bit = foldedCount + needle
                    needleBits[offset + bit >> 6] |= 1 << UInt64(bit & 63)
                }
            }
        }
    }
}
