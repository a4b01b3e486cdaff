extension PatternParser {
    /// Reads a class after its `[`, up to and including its `]`.
    mutating func characterClass() throws(PatternError) -> PatternCharacterClass {
        let negated = peek == "^"
        if negated { position += 1 }
        // `[]` is an empty class in ECMA-262 and a literal `]` in Python: refused rather than guessed.
        guard peek != "]" else { throw PatternError("a class that starts with ] is read differently by different engines") }
        var parts: [PatternCharacterClass.Part] = []
        var ranges: [ClosedRange<UInt32>] = []
        while peek != "]" {
            var scalar = try next()
            if scalar == "\\" {
                let escaped = try next()
                if let part = try classEscape(escaped) {
                    parts.append(part)
                    continue
                }
                scalar = try escapedCharacter(escaped, inClass: true)
            } else if scalar == "[" {
                throw PatternError("nested classes and [: :] are not supported")
            }
            guard peek == "-", let after = peek(1), after != "]" else {
                ranges.append(scalar.value...scalar.value)
                continue
            }
            position += 1
            var upper = try next()
            if upper == "\\" {
                let escaped = try next()
                guard !Self.isClassEscape(escaped) else { throw PatternError("a range ends in a class escape") }
                upper = try escapedCharacter(escaped, inClass: true)
            }
            guard scalar.value <= upper.value else { throw PatternError("a range in a class is backwards") }
            ranges.append(scalar.value...upper.value)
        }
        position += 1
        if !ranges.isEmpty { parts.append(.init(ranges: ranges, negated: false)) }
        return PatternCharacterClass(parts: parts, negated: negated)
    }
}
