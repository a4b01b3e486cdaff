/// A parsed regular expression, as `PatternParser` reads it.
package indirect enum PatternNode: Sendable {
    /// One character; with `ignoringCase` (`(?i)`), any character with the same lower case.
    case literal(Unicode.Scalar, ignoringCase: Bool)
    /// One character of the class; with `ignoringCase`, one whose lower or upper case is in it.
    case characterClass(PatternCharacterClass, ignoringCase: Bool)
    /// The parts one after another; an empty sequence matches the empty string.
    case sequence([PatternNode])
    case alternation([PatternNode])
    /// `minimum` to `maximum` (no limit when `nil`) repeats of the node.
    case repetition(PatternNode, minimum: Int, maximum: Int?)
    /// A condition on the place between two characters, which reads none: `^ $ \b \B`.
    case assertion(PatternAssertion)
}

/// What a zero-width assertion asks of the characters on either side of its place in the text.
package enum PatternAssertion: Sendable {
    /// `^`: the start of the text.
    case textStart
    /// `$`: the end of the text (not before a final newline, as in ECMA-262).
    case textEnd
    /// `^` under `(?m)`: the start of the text or just after a line terminator.
    case lineStart
    /// `$` under `(?m)`: the end of the text or just before a line terminator.
    case lineEnd
    /// `\b`: a word character on one side only.
    case wordBoundary
    /// `\B`: word characters on both sides or on neither.
    case notWordBoundary

    /// Whether the assertion holds between `previous` and `current` (`nil` past either end).
    func holds(after previous: Unicode.Scalar?, before current: Unicode.Scalar?) -> Bool {
        switch self {
        case .textStart: return previous == nil
        case .textEnd: return current == nil
        case .lineStart: return previous.map(Self.isLineTerminator) ?? true
        case .lineEnd: return current.map(Self.isLineTerminator) ?? true
        case .wordBoundary: return Self.isWord(previous) != Self.isWord(current)
        case .notWordBoundary: return Self.isWord(previous) == Self.isWord(current)
        }
    }

    /// ECMA-262's word characters, `[A-Za-z0-9_]` (what `\w` matches), as RE2's `\b` uses too.
    static func isWord(_ scalar: Unicode.Scalar?) -> Bool {
        guard let scalar else { return false }
        return ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_"
    }

    /// ECMA-262's line terminators: what `.` does not match, and where `(?m)` lines end.
    static func isLineTerminator(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x0D, 0x2028, 0x2029: return true
        default: return false
        }
    }
}
