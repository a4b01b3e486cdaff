extension PatternParser {
    /// Reads what follows a `\` outside a class.
    mutating func escape() throws(PatternError) -> PatternNode {
        let scalar = try next()
        switch scalar {
        case "b": return .assertion(.wordBoundary)
        case "B": return .assertion(.notWordBoundary)
        default: break
        }
        if let part = try classEscape(scalar) {
            return .characterClass(PatternCharacterClass(parts: [part], negated: false), ignoringCase: flags.ignoreCase)
        }
        return .literal(try escapedCharacter(scalar, inClass: false), ignoringCase: flags.ignoreCase)
    }

    /// Whether `\` and `scalar` start a class escape, which cannot end a range.
    static func isClassEscape(_ scalar: Unicode.Scalar) -> Bool {
        "dDwWsSpP".unicodeScalars.contains(scalar)
    }

    /// The class a `\d \D \w \W \s \S \p{...} \P{...}` escape stands for, once its letter is
    /// read; `nil` for another escape.
    mutating func classEscape(_ scalar: Unicode.Scalar) throws(PatternError) -> PatternCharacterClass.Part? {
        switch scalar {
        case "d": return .init(ranges: PatternCharacterClass.digits, negated: false)
        case "D": return .init(ranges: PatternCharacterClass.digits, negated: true)
        case "w": return .init(ranges: PatternCharacterClass.wordCharacters, negated: false)
        case "W": return .init(ranges: PatternCharacterClass.wordCharacters, negated: true)
        case "s": return .init(ranges: PatternCharacterClass.whitespace, negated: false)
        case "S": return .init(ranges: PatternCharacterClass.whitespace, negated: true)
        case "p", "P": return .init(ranges: [], negated: scalar == "P", categories: try propertyName())
        default: return nil
        }
    }

    /// Reads the `{Name}` after `\p` or `\P` and finds the categories it names.
    private mutating func propertyName() throws(PatternError) -> PatternCategories {
        guard peek == "{" else { throw PatternError("\\p and \\P take a property name in braces, as in \\p{L}") }
        position += 1
        var name = ""
        while let scalar = peek, scalar != "}" {
            guard name.unicodeScalars.count < 64 else { throw PatternError("a Unicode property name is too long") }
            name.unicodeScalars.append(scalar)
            position += 1
        }
        guard peek == "}" else { throw PatternError("a Unicode property name is not closed") }
        position += 1
        guard !name.isEmpty else { throw PatternError("\\p{} names no property") }
        return try PatternCategories.named(name)
    }

    /// The one character an escape other than a class escape or an assertion stands for.
    mutating func escapedCharacter(_ scalar: Unicode.Scalar, inClass: Bool) throws(PatternError) -> Unicode.Scalar {
        switch scalar {
        case "n": return "\n"
        case "r": return "\r"
        case "t": return "\t"
        case "f": return "\u{0C}"
        case "v": return "\u{0B}"
        case "b" where inClass: return "\u{08}"  // backspace, as in both ECMA-262 and Python
        case "0" where !(peek.map { ("0"..."9").contains($0) } ?? false): return "\u{00}"
        case "x": return try hexadecimal(digits: 2)
        case "u":
            guard peek == "{" else { return try hexadecimal(digits: 4) }
            position += 1
            return try hexadecimal(upTo: "}")
        case "1"..."9" where !inClass, "k":
            throw PatternError("back-references (\\1, \\k<name>) are not supported: \(Self.needsBacktracking)")
        case "0"..."9": throw PatternError("octal escapes are not supported")
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
}
