/// Reads the part of regular expression syntax that ECMA-262 (which JSON Schema names) and
/// Python agree on, and that schemas and fixtures use, with what else a linear engine can run
/// (as RE2 does): literals and escapes, `.`, classes with ranges, `\d \w \s` (and their
/// negations) and Unicode general categories (`\p{L}`, `\P{Lu}`, as ECMA-262 reads them with its
/// `u` flag), groups (plain, `(?:...)`, named), alternation, the quantifiers `* + ? {n} {n,}
/// {n,m}` (lazy ones too), the assertions `^ $ \b \B`, and the inline flags `i`, `m` and `s`, set
/// for the rest of the enclosing group (`(?i)`, anywhere, as RE2 reads it) or for a group of their
/// own (`(?i-s:...)`).
///
/// Anything else is refused with a `PatternError`, never guessed at: above all what only a
/// backtracking engine can run (back-references, look-around), since `PatternProgram` runs
/// every pattern in time linear in the text.
package struct PatternParser {
    /// The most repeats a quantifier may ask for.
    static let maximumRepeat = 1_000
    /// How deeply groups may nest.
    static let maximumNesting = 32

    /// Why a feature that needs a backtracking engine is refused, after its name.
    static let needsBacktracking =
        "matching needs a backtracking engine, and Lyrebird only runs patterns that match in time linear in the text"

    /// The inline flags in force.
    struct Flags {
        /// `i`: letters match in either case.
        var ignoreCase = false
        /// `s`: `.` matches line terminators too.
        var dotMatchesLineTerminators = false
        /// `m`: `^` and `$` match at the start and end of every line.
        var multiline = false
    }

    let scalars: [Unicode.Scalar]
    var position = 0
    var flags = Flags()

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

    var peek: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

    func peek(_ offset: Int) -> Unicode.Scalar? {
        position + offset < scalars.count ? scalars[position + offset] : nil
    }

    mutating func next() throws(PatternError) -> Unicode.Scalar {
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
            if let item = try quantified(depth: depth) { items.append(item) }
        }
        return items.count == 1 ? items[0] : .sequence(items)
    }

    /// An atom and its quantifier, or `nil` for a group that only sets flags (`(?i)`).
    private mutating func quantified(depth: Int) throws(PatternError) -> PatternNode? {
        guard let atom = try atom(depth: depth) else {
            if try quantifierAhead() { throw PatternError("a quantifier has nothing to repeat") }
            return nil
        }
        guard let (minimum, maximum) = try quantifier() else { return atom }
        if case .assertion = atom { throw PatternError("an anchor or word boundary cannot be repeated") }
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

    /// One atom, or `nil` for a group that only sets flags.
    private mutating func atom(depth: Int) throws(PatternError) -> PatternNode? {
        let scalar = try next()
        switch scalar {
        case "(":
            // Flags a group sets end with it; `(?i)` changes them for the rest of the enclosing one.
            let outer = flags
            guard try groupPrefix() else { return nil }
            let inner = try alternation(depth: depth + 1)
            guard peek == ")" else { throw PatternError("unbalanced parenthesis") }
            position += 1
            flags = outer
            return inner
        case ")": throw PatternError("unbalanced parenthesis")
        case "[": return .characterClass(try characterClass(), ignoringCase: flags.ignoreCase)
        case ".": return .characterClass(flags.dotMatchesLineTerminators ? .anything : .anyButNewline, ignoringCase: false)
        case "^": return .assertion(flags.multiline ? .lineStart : .textStart)
        case "$": return .assertion(flags.multiline ? .lineEnd : .textEnd)
        case "\\": return try escape()
        case "*", "+", "?": throw PatternError("a quantifier has nothing to repeat")
        case "{":
            position -= 1
            if try quantifierAhead() { throw PatternError("a quantifier has nothing to repeat") }
            position += 1
            return .literal(scalar, ignoringCase: flags.ignoreCase)
        default: return .literal(scalar, ignoringCase: flags.ignoreCase)
        }
    }

    /// Reads what follows a group's `(` before its contents: nothing, `?:`, `?<name>`,
    /// `?P<name>` or flags with `:` (`?i-s:`), which it sets. False for flags with `)` (`(?i)`),
    /// which it sets and reads to the end: that group has no contents.
    private mutating func groupPrefix() throws(PatternError) -> Bool {
        guard peek == "?" else { return true }
        switch (peek(1), peek(2)) {
        case (":", _):
            position += 2
            return true
        case ("=", _), ("!", _):
            throw PatternError("look-ahead ((?=...), (?!...)) is not supported: \(Self.needsBacktracking)")
        case ("<", "="), ("<", "!"):
            throw PatternError("look-behind ((?<=...), (?<!...)) is not supported: \(Self.needsBacktracking)")
        case ("<", _):
            position += 2
        case ("P", "<"):
            position += 3
        case ("P", "="):
            throw PatternError("back-references ((?P=name)) are not supported: \(Self.needsBacktracking)")
        default:
            position += 1
            return try inlineFlags()
        }
        guard let first = peek, first.properties.isAlphabetic || first == "_" else {
            throw PatternError("a group name must start with a letter or _")
        }
        while let scalar = peek, scalar != ">" { position += 1 }
        guard peek == ">" else { throw PatternError("a group name is not closed") }
        position += 1
        return true
    }

    /// Reads flags after `(?` up to `:` (true: a group follows) or `)` (false), and sets them.
    private mutating func inlineFlags() throws(PatternError) -> Bool {
        var on = Flags()
        var off = Flags()
        var turningOff = false
        var named = false
        while let scalar = peek, scalar != ":", scalar != ")" {
            position += 1
            let flag: WritableKeyPath<Flags, Bool>
            switch scalar {
            case "-" where !turningOff:
                turningOff = true
                continue
            case "-": throw PatternError("an inline flag group has more than one -")
            case "i": flag = \.ignoreCase
            case "s": flag = \.dotMatchesLineTerminators
            case "m": flag = \.multiline
            case "a"..."z", "A"..."Z": throw PatternError("the inline flag \(scalar) is not supported: only i, m and s are")
            default: throw PatternError("(?\(scalar)...) groups are not supported")
            }
            if turningOff { off[keyPath: flag] = true } else { on[keyPath: flag] = true }
            named = true
        }
        guard let end = peek else { throw PatternError("an inline flag group is not closed") }
        position += 1
        guard named else { throw PatternError("an inline flag group names no flag") }
        for flag in [\Flags.ignoreCase, \.dotMatchesLineTerminators, \.multiline] {
            guard !(on[keyPath: flag] && off[keyPath: flag]) else { throw PatternError("an inline flag is turned both on and off") }
            flags[keyPath: flag] = (flags[keyPath: flag] || on[keyPath: flag]) && !off[keyPath: flag]
        }
        return end == ":"
    }
}
