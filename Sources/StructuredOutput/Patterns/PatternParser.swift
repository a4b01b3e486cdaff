/// Reads the part of regular expression syntax that ECMA-262 (which JSON Schema names) and
/// Python agree on, and that schemas use: literals and escapes, `.`, classes with ranges and
/// `\d \w \s` (and their negations), groups (plain, `(?:...)`, named), alternation, the
/// quantifiers `* + ? {n} {n,} {n,m}` (lazy ones too), and the anchors `^ $`.
///
/// Anything else (back-references, look-around, word boundaries, inline flags, Unicode
/// properties) is refused with a `PatternError`, never guessed at.
package struct PatternParser {
    /// The most repeats a quantifier may ask for.
    static let maximumRepeat = 1_000
    /// How deeply groups may nest.
    static let maximumNesting = 32

    private let scalars: [Unicode.Scalar]
    private var position = 0

    private init(_ source: String) {
        scalars = Array(source.unicodeScalars)
    }

    package static func parse(_ source: String) throws(PatternError) -> PatternNode {
        var parser = PatternParser(source)
        let node = try parser.alternation(depth: 0)
        // An alternation stops early only at a `)` with no `(`.
        guard parser.position == parser.scalars.count else { throw PatternError("unbalanced parenthesis") }
        return node
    }

    private var peek: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

    private func peek(_ offset: Int) -> Unicode.Scalar? {
        position + offset < scalars.count ? scalars[position + offset] : nil
    }

    private mutating func next() throws(PatternError) -> Unicode.Scalar {
        guard let scalar = peek else { throw PatternError("the pattern ends too early") }
        position += 1
        return scalar
    }

    private mutating func alternation(depth: Int) throws(PatternError) -> PatternNode {
        guard depth <= Self.maximumNesting else { throw PatternError("groups nest more than \(Self.maximumNesting) deep") }
        var branches = [try sequence(depth: depth)]
        while peek == "|" {
            position += 1
            branches.append(try sequence(depth: depth))
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    private mutating func sequence(depth: Int) throws(PatternError) -> PatternNode {
        var items: [PatternNode] = []
        while let scalar = peek, scalar != "|", scalar != ")" {
            items.append(try quantified(depth: depth))
        }
        return items.count == 1 ? items[0] : .sequence(items)
    }

    private mutating func quantified(depth: Int) throws(PatternError) -> PatternNode {
        let atom = try atom(depth: depth)
        guard let (minimum, maximum) = try quantifier() else { return atom }
        switch atom {
        case .start, .end: throw PatternError("an anchor cannot be repeated")
        default: break
        }
        if peek == "?" { position += 1 }  // lazy: the same strings match
        if try quantifierAhead() { throw PatternError("a quantifier follows a quantifier") }
        return .repetition(atom, minimum: minimum, maximum: maximum)
    }

    /// Whether a quantifier starts here, without reading it.
    private func quantifierAhead() throws(PatternError) -> Bool {
        var copy = self
        return try copy.quantifier() != nil
    }

    /// Reads `* + ? {n} {n,} {n,m}`; a `{` that starts none of them is an ordinary character.
    private mutating func quantifier() throws(PatternError) -> (Int, Int?)? {
        switch peek {
        case "*":
            position += 1
            return (0, nil)
        case "+":
            position += 1
            return (1, nil)
        case "?":
            position += 1
            return (0, 1)
        case "{":
            var cursor = position + 1
            func number() -> Int? {
                var digits = ""
                while cursor < scalars.count, ("0"..."9").contains(scalars[cursor]), digits.count < 10 {
                    digits.unicodeScalars.append(scalars[cursor])
                    cursor += 1
                }
                return Int(digits)
            }
            guard let minimum = number() else { return nil }
            var maximum: Int? = minimum
            if cursor < scalars.count, scalars[cursor] == "," {
                cursor += 1
                maximum = number()
            }
            guard cursor < scalars.count, scalars[cursor] == "}" else { return nil }
            position = cursor + 1
            guard max(minimum, maximum ?? 0) <= Self.maximumRepeat else {
                throw PatternError("a quantifier asks for more than \(Self.maximumRepeat) repeats")
            }
            if let maximum, maximum < minimum { throw PatternError("a quantifier's range is backwards") }
            return (minimum, maximum)
        default:
            return nil
        }
    }

    private mutating func atom(depth: Int) throws(PatternError) -> PatternNode {
        let scalar = try next()
        switch scalar {
        case "(":
            try groupPrefix()
            let inner = try alternation(depth: depth + 1)
            guard peek == ")" else { throw PatternError("unbalanced parenthesis") }
            position += 1
            return inner
        case ")": throw PatternError("unbalanced parenthesis")
        case "[": return .characterClass(try characterClass())
        case ".": return .characterClass(.anyButNewline)
        case "^": return .start
        case "$": return .end
        case "\\": return try escape()
        case "*", "+", "?": throw PatternError("a quantifier has nothing to repeat")
        case "{":
            position -= 1
            if try quantifierAhead() { throw PatternError("a quantifier has nothing to repeat") }
            position += 1
            return .literal(scalar)
        default: return .literal(scalar)
        }
    }

    /// Skips what follows `(` in a group that only groups: `?:`, `?<name>` or `?P<name>`.
    private mutating func groupPrefix() throws(PatternError) {
        guard peek == "?" else { return }
        if peek(1) == ":" {
            position += 2
            return
        }
        let nameStart: Int
        if peek(1) == "<", let first = peek(2), first.properties.isAlphabetic || first == "_" {
            nameStart = 2
        } else if peek(1) == "P", peek(2) == "<" {
            nameStart = 3
        } else {
            throw PatternError("look-around, inline flags and other (?...) groups are not supported")
        }
        position += nameStart
        while let scalar = peek, scalar != ">" { position += 1 }
        guard peek == ">" else { throw PatternError("a group name is not closed") }
        position += 1
    }

    private mutating func escape() throws(PatternError) -> PatternNode {
        let scalar = try next()
        if let ranges = Self.classEscape(scalar) { return .characterClass(PatternCharacterClass(parts: [ranges], negated: false)) }
        return .literal(try escapedCharacter(scalar, inClass: false))
    }

    /// The class a `\d \D \w \W \s \S` escape stands for.
    private static func classEscape(_ scalar: Unicode.Scalar) -> PatternCharacterClass.Part? {
        switch scalar {
        case "d": return .init(ranges: PatternCharacterClass.digits, negated: false)
        case "D": return .init(ranges: PatternCharacterClass.digits, negated: true)
        case "w": return .init(ranges: PatternCharacterClass.wordCharacters, negated: false)
        case "W": return .init(ranges: PatternCharacterClass.wordCharacters, negated: true)
        case "s": return .init(ranges: PatternCharacterClass.whitespace, negated: false)
        case "S": return .init(ranges: PatternCharacterClass.whitespace, negated: true)
        default: return nil
        }
    }

    /// The one character an escape other than a class escape stands for.
    private mutating func escapedCharacter(_ scalar: Unicode.Scalar, inClass: Bool) throws(PatternError) -> Unicode.Scalar {
        switch scalar {
        case "n": return "\n"
        case "r": return "\r"
        case "t": return "\t"
        case "f": return "\u{0C}"
        case "v": return "\u{0B}"
        case "b" where inClass: return "\u{08}"
        case "0" where !(peek.map { ("0"..."9").contains($0) } ?? false): return "\u{00}"
        case "x": return try hexadecimal(digits: 2)
        case "u":
            guard peek == "{" else { return try hexadecimal(digits: 4) }
            position += 1
            return try hexadecimal(upTo: "}")
        case "b", "B": throw PatternError("word boundaries (\\b, \\B) are not supported")
        case "1"..."9", "0": throw PatternError("back-references and octal escapes are not supported")
        case "a"..."z", "A"..."Z":
            throw PatternError("the escape \\\(scalar) is not supported")
        default:
            return scalar  // escaped punctuation stands for itself
        }
    }

    private mutating func hexadecimal(digits: Int) throws(PatternError) -> Unicode.Scalar {
        var value: UInt32 = 0
        for _ in 0..<digits {
            guard let digit = Self.hexValue(try next()) else { throw PatternError("a hexadecimal escape is malformed") }
            value = value * 16 + digit
        }
        guard let scalar = Unicode.Scalar(value) else { throw PatternError("a hexadecimal escape is not a character") }
        return scalar
    }

    private mutating func hexadecimal(upTo terminator: Unicode.Scalar) throws(PatternError) -> Unicode.Scalar {
        var value: UInt32 = 0
        var count = 0
        while let scalar = peek, scalar != terminator {
            guard let digit = Self.hexValue(scalar), count < 6 else { throw PatternError("a hexadecimal escape is malformed") }
            value = value * 16 + digit
            count += 1
            position += 1
        }
        guard count > 0, peek == terminator, let scalar = Unicode.Scalar(value) else {
            throw PatternError("a hexadecimal escape is malformed")
        }
        position += 1
        return scalar
    }

    private static func hexValue(_ scalar: Unicode.Scalar) -> UInt32? {
        switch scalar {
        case "0"..."9": return scalar.value - 0x30
        case "a"..."f": return scalar.value - 0x61 + 10
        case "A"..."F": return scalar.value - 0x41 + 10
        default: return nil
        }
    }

    /// Reads a class after its `[`, up to and including its `]`.
    private mutating func characterClass() throws(PatternError) -> PatternCharacterClass {
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
                if let part = Self.classEscape(escaped) {
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
                guard Self.classEscape(escaped) == nil else { throw PatternError("a range ends in a class escape") }
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
