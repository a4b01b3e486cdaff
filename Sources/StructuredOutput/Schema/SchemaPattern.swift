import LyrebirdPluginAPI

/// A JSON Schema `pattern`, parsed once: it checks strings in time linear in their length, charged
/// to a `WorkBudget`, and writes strings that match it.
struct SchemaPattern: Sendable {
    /// The longest pattern read, in characters.
    static let maximumLength = 1_000
    /// The longest string a sample is written toward, whatever `maxLength` allows: the
    /// generator never needs more (see `StructuredOutputLimits.maximumStringLength`).
    static let longestSample = 10_000

    let source: String
    private let node: PatternNode
    private let program: PatternProgram

    init(_ source: String) throws(PatternError) {
        guard source.unicodeScalars.count <= Self.maximumLength else {
            throw PatternError("the pattern is longer than \(Self.maximumLength) characters")
        }
        self.source = source
        node = try PatternParser.parse(source)
        program = try PatternProgram(node)
    }

    /// How many instructions the compiled pattern has: compiling it costs that many
    /// `WorkBudget` operations.
    var size: Int { program.size }

    /// Whether the pattern matches somewhere in `text`.
    ///
    /// - Throws: `.limitExceeded` when the check would take more operations than `budget` has.
    package func matches(_ text: String, budget: WorkBudget) throws(StructuredOutputError) -> Bool {
        try program.matches(Array(text.unicodeScalars), budget: budget)
    }

    /// Whether the pattern matches somewhere in `scalars`, for a text checked against many
    /// patterns.
    package func matches(_ scalars: [Unicode.Scalar], budget: WorkBudget) throws(StructuredOutputError) -> Bool {
        try program.matches(scalars, budget: budget)
    }

    /// A string that matches the pattern and has `minimumLength` to `maximumLength` characters,
    /// or `nil` when a few tries found none. Checking the tries is charged to `budget`.
    func sample(_ random: inout SeededRandom, minimumLength: Int, maximumLength: Int?, budget: WorkBudget) throws(StructuredOutputError)
        -> String?
    {
        // Later tries allow more repeats, then padding, to reach `minimumLength`; one try writes
        // only the fewest repeats, to stay under `maximumLength`.
        let spares = [3, 3, 0, minimumLength, minimumLength, minimumLength]
        let limit = min(maximumLength ?? minimumLength + 64, Self.longestSample)
        for spare in spares {
            var writer = PatternWriter(spare: spare, limit: limit)
            writer.write(node, random: &random)
            // Bounded for one try, but a document may hold many strings.
            try budget.spend(operations: writer.visits)
            for candidate in padded(writer.text, to: minimumLength) {
                let length = candidate.unicodeScalars.count
                guard length >= minimumLength && length <= (maximumLength ?? .max) else { continue }
                if try matches(candidate, budget: budget) { return candidate }
            }
        }
        return nil
    }

    /// `text`, and when it is short, `text` padded at its end or at its start (an unanchored
    /// pattern still matches inside), with letters or, for a pattern that ends or starts with a
    /// word boundary (`\bid\b`), spaces.
    private func padded(_ text: String, to length: Int) -> [String] {
        let missing = length - text.unicodeScalars.count
        guard missing > 0 else { return [text] }
        let letters = String(repeating: "x", count: missing)
        let spaces = String(repeating: " ", count: missing)
        return [text, text + letters, letters + text, text + spaces, spaces + text]
    }
}
