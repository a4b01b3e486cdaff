import LyrebirdPluginAPI

/// The characters a pattern accepts at one place: `[a-z_]`, `\d`, `.`, `[^\s,]`, `\p{L}`.
package struct PatternCharacterClass: Sendable {
    /// One piece of a class: ranges of Unicode scalar values and general categories, or
    /// everything outside them (`\D` inside `[\D_]`, `\P{L}`).
    struct Part: Sendable {
        var ranges: [ClosedRange<UInt32>]
        var negated: Bool
        var categories: PatternCategories = []

        func contains(_ scalar: Unicode.Scalar) -> Bool {
            (ranges.contains { $0.contains(scalar.value) } || categories.includes(scalar)) != negated
        }
    }

    /// A character belongs to the class when it belongs to any part, or, for a negated class
    /// (`[^...]`), when it belongs to none.
    var parts: [Part]
    var negated: Bool

    func contains(_ scalar: Unicode.Scalar) -> Bool {
        inParts(scalar) != negated
    }

    /// Whether the class takes `scalar` when case is ignored: when the character, its lower case
    /// (`lowered`, which the caller has at hand) or that one's upper case is in the parts. A
    /// negated class is negated after that, so `(?i)[^a]` takes neither `a` nor `A`.
    func contains(_ scalar: Unicode.Scalar, lowered: Unicode.Scalar) -> Bool {
        (inParts(scalar) || inParts(lowered) || inParts(lowered.uppercased)) != negated
    }

    private func inParts(_ scalar: Unicode.Scalar) -> Bool {
        parts.contains { $0.contains(scalar) }
    }

    /// What testing a character costs, in `WorkBudget` operations: one per range and category set.
    var weight: Int {
        parts.reduce(0) { $0 + $1.ranges.count + ($1.categories.isEmpty ? 0 : 1) }
    }

    /// A character of the class chosen by `random`, preferring readable ones; `nil` only for a
    /// class nothing belongs to.
    func sample(_ random: inout SeededRandom) -> Unicode.Scalar? {
        let positive = negated ? [] : parts.filter { !$0.negated }
        let ranges = positive.flatMap(\.ranges)
        let examples = positive.reduce(PatternCategories()) { $0.union($1.categories) }.memberExamples
        // A few random picks from the class's own ranges and categories, then from letters and
        // digits, keep `[a-f]` and `\p{L}` varied and `.` or `\S` readable.
        for _ in 0..<8 where !ranges.isEmpty {
            let range = random.element(of: ranges)
            if let scalar = Unicode.Scalar(range.lowerBound + UInt32(random.index(below: range.count))), Self.isReadable(scalar),
                contains(scalar)
            {
                return scalar
            }
        }
        for _ in 0..<8 where !examples.isEmpty {
            let scalar = random.element(of: random.element(of: examples))
            if contains(scalar) { return scalar }
        }
        for _ in 0..<8 {
            let scalar = random.element(of: Self.alphanumerics)
            if contains(scalar) { return scalar }
        }
        if let readable = Self.readable.first(where: contains) { return readable }
        for range in ranges {
            if let scalar = Unicode.Scalar(range.lowerBound), contains(scalar) { return scalar }
        }
        // What is left (`[^\p{L}\p{N}\p{P}\p{S}\x00-\x7F]`) likely has a member among some
        // category's examples.
        for examples in PatternCategories.examples {
            if let scalar = examples.first(where: contains) { return scalar }
        }
        return nil
    }

    static let digits: [ClosedRange<UInt32>] = [0x30...0x39]
    static let wordCharacters: [ClosedRange<UInt32>] = [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A]
    /// What ECMA-262's `\s` matches: white space and line terminators.
    static let whitespace: [ClosedRange<UInt32>] = [
        0x09...0x0D, 0x20...0x20, 0xA0...0xA0, 0x1680...0x1680, 0x2000...0x200A, 0x2028...0x2029, 0x202F...0x202F,
        0x205F...0x205F, 0x3000...0x3000, 0xFEFF...0xFEFF,
    ]
    /// `.`: anything but a line terminator (ECMA-262's, as `PatternAssertion.isLineTerminator`).
    static let anyButNewline = PatternCharacterClass(
        parts: [Part(ranges: [0x0A...0x0A, 0x0D...0x0D, 0x2028...0x2029], negated: true)], negated: false)
    /// `.` under `(?s)`: any character.
    static let anything = PatternCharacterClass(parts: [], negated: true)

    private static let alphanumerics = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".unicodeScalars)
    private static let readable = (UInt32(0x21)...0x7E).compactMap { Unicode.Scalar($0) }

    private static func isReadable(_ scalar: Unicode.Scalar) -> Bool {
        (0x20...0x7E).contains(scalar.value) || scalar.value >= 0xA1 && !(0xD800...0xDFFF).contains(scalar.value)
    }
}
