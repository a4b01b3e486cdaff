/// What the fixtures' conditions look for in one field, gathered so that a request's texts are
/// examined once for all of them: every `contains` value in one automaton (one for values that
/// ignore case, one for those that do not), every literal a regex or glob requires in a third
/// (their texts folded as patterns fold them), every `equals` value in one table.
struct FieldIndex: Sendable {
    let field: MatchField
    var foldedNeedles = NeedleIndex([])
    var exactCaseNeedles = NeedleIndex([])
    /// The literals patterns require, lower-cased one scalar at a time.
    var patternLiterals = NeedleIndex([])
    var exactValues: [String: Int] = [:]
    var foldedExactValues: [String: Int] = [:]
    /// The pieces of every `contains` value, case-folded ones first, for ranking near misses.
    var trigrams = NeedleTrigrams([])

    /// Words of needle bits a subject keeps for this field.
    var wordCount: Int { (foldedNeedles.needleCount + exactCaseNeedles.needleCount + patternLiterals.needleCount + 63) / 64 }

    /// The bit of a `contains` value: case-folded ones first, then those that match case.
    func needleBit(_ needle: Int, ignoringCase: Bool) -> Int { ignoringCase ? needle : foldedNeedles.needleCount + needle }

    /// The bit of a pattern literal, after those of `contains` values.
    func literalBit(_ literal: Int) -> Int { foldedNeedles.needleCount + exactCaseNeedles.needleCount + literal }
}

/// Gathers the values compiled conditions test, field by field, and builds their indexes. Each
/// distinct field gets a slot, its number in the indexes.
struct MatchIndexBuilder {
    private var slots: [MatchField: Int] = [:]
    private var fields: [MatchField] = []
    private var foldedNeedles: [[[UInt8]]] = []
    private var exactCaseNeedles: [[[UInt8]]] = []
    private var foldedNeedleIDs: [[[UInt8]: Int]] = []
    private var exactCaseNeedleIDs: [[[UInt8]: Int]] = []
    private var literals: [[[UInt8]]] = []
    private var literalIDs: [[[UInt8]: Int]] = []
    private var exactValues: [[String: Int]] = []
    private var foldedExactValues: [[String: Int]] = []

    /// The slot of `field`, made on first use.
    mutating func slot(_ field: MatchField) -> Int {
        if let slot = slots[field] { return slot }
        let slot = fields.count
        slots[field] = slot
        fields.append(field)
        foldedNeedles.append([])
        exactCaseNeedles.append([])
        foldedNeedleIDs.append([:])
        exactCaseNeedleIDs.append([:])
        literals.append([])
        literalIDs.append([:])
        exactValues.append([:])
        foldedExactValues.append([:])
        return slot
    }

    /// The id of `needle` (bytes already case-folded when `ignoringCase`) in the slot.
    mutating func needleID(_ needle: [UInt8], in slot: Int, ignoringCase: Bool) -> Int {
        if ignoringCase {
            if let id = foldedNeedleIDs[slot][needle] { return id }
            let id = foldedNeedles[slot].count
            foldedNeedles[slot].append(needle)
            foldedNeedleIDs[slot][needle] = id
            return id
        }
        if let id = exactCaseNeedleIDs[slot][needle] { return id }
        let id = exactCaseNeedles[slot].count
        exactCaseNeedles[slot].append(needle)
        exactCaseNeedleIDs[slot][needle] = id
        return id
    }

    /// The id of a literal a pattern requires (bytes folded by `CompiledPattern.folded`) in the slot.
    mutating func literalID(_ literal: [UInt8], in slot: Int) -> Int {
        if let id = literalIDs[slot][literal] { return id }
        let id = literals[slot].count
        literals[slot].append(literal)
        literalIDs[slot][literal] = id
        return id
    }

    /// The id of the exact value `value` (lower-cased when `ignoringCase`) in the slot.
    mutating func exactValueID(_ value: String, in slot: Int, ignoringCase: Bool) -> Int {
        let key = ignoringCase ? value.lowercased() : value
        if ignoringCase {
            if let id = foldedExactValues[slot][key] { return id }
            let id = foldedExactValues[slot].count
            foldedExactValues[slot][key] = id
            return id
        }
        if let id = exactValues[slot][key] { return id }
        let id = exactValues[slot].count
        exactValues[slot][key] = id
        return id
    }

    func build() -> [FieldIndex] {
        fields.indices.map { slot in
            FieldIndex(
                field: fields[slot], foldedNeedles: NeedleIndex(foldedNeedles[slot]), exactCaseNeedles: NeedleIndex(exactCaseNeedles[slot]),
                patternLiterals: NeedleIndex(literals[slot]),
                exactValues: exactValues[slot], foldedExactValues: foldedExactValues[slot],
                trigrams: NeedleTrigrams(
                    foldedNeedles[slot] + exactCaseNeedles[slot].map { Array(String(decoding: $0, as: UTF8.self).lowercased().utf8) }))
        }
    }
}
