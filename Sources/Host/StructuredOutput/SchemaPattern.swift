/// A JSON Schema `pattern`, parsed once: it checks strings in linear time and writes strings
/// that match it.
struct SchemaPattern: Sendable {
    /// The longest pattern read, in characters.
    static let maximumLength = 1_000

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

    /// Whether the pattern matches somewhere in `text`.
    func matches(_ text: String) -> Bool {
        program.matches(Array(text.unicodeScalars))
    }

    /// A string that matches the pattern and has `minimumLength` to `maximumLength` characters,
    /// or `nil` when a few tries found none.
    func sample(_ random: inout SeededRandom, minimumLength: Int, maximumLength: Int?) -> String? {
        // Later tries allow more repeats, then padding, to reach `minimumLength`; one try writes
        // only the fewest repeats, to stay under `maximumLength`.
        let spares = [3, 3, 0, minimumLength, minimumLength, minimumLength]
        let limit = max(minimumLength, maximumLength ?? 0) + 64
        for spare in spares {
            var text = String.UnicodeScalarView()
            write(node, into: &text, spare: spare, limit: limit, random: &random)
            for candidate in padded(String(text), to: minimumLength) {
                let length = candidate.unicodeScalars.count
                if length >= minimumLength && length <= (maximumLength ?? .max) && matches(candidate) { return candidate }
            }
        }
        return nil
    }

    /// `text`, and when it is short, `text` padded at its end or at its start (an unanchored
    /// pattern still matches inside).
    private func padded(_ text: String, to length: Int) -> [String] {
        let missing = length - text.unicodeScalars.count
        guard missing > 0 else { return [text] }
        let padding = String(repeating: "x", count: missing)
        return [text, text + padding, padding + text]
    }

    private func write(
        _ node: PatternNode, into text: inout String.UnicodeScalarView, spare: Int, limit: Int, random: inout SeededRandom
    ) {
        guard text.count <= limit else { return }
        switch node {
        case .literal(let scalar): text.append(scalar)
        case .characterClass(let characters): if let scalar = characters.sample(&random) { text.append(scalar) }
        case .sequence(let items): for item in items { write(item, into: &text, spare: spare, limit: limit, random: &random) }
        case .alternation(let branches): write(random.element(of: branches), into: &text, spare: spare, limit: limit, random: &random)
        case .repetition(let item, let minimum, let maximum):
            let extra = min((maximum ?? Int.max) - minimum, spare)
            let count = minimum + (extra > 0 ? random.index(below: extra + 1) : 0)
            for _ in 0..<count where text.count <= limit { write(item, into: &text, spare: spare, limit: limit, random: &random) }
        case .start, .end: break
        }
    }
}
