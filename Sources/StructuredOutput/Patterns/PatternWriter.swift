import LyrebirdPluginAPI

/// Writes one string that a parsed pattern may match, at random: one try of
/// `SchemaPattern.sample`.
///
/// Its work is bounded whatever the pattern: it stops at `limit` scalars, and after a number
/// of node visits proportional to that limit, since repeats of what can be empty (`(a*)*`)
/// would otherwise loop for the square or the cube of `spare` while writing nothing.
///
/// Assertions are met by construction where that is easy: a `(?m)^` starts a new line, a
/// `(?m)$` ends one before the next character, and a `\b` or `\B` puts a space or an `x`
/// between characters that do not meet it. What still cannot match (`a\bb`) the caller's check
/// drops.
struct PatternWriter {
    /// How many repeats past its minimum an open-ended or ranged repeat may take.
    let spare: Int
    /// The most scalars written.
    let limit: Int
    private var scalars: [Unicode.Scalar] = []
    private var visitsLeft: Int
    private let allowedVisits: Int
    /// A `\b` or `\B` just written, which the next character must meet.
    private var pendingBoundary: PatternAssertion?
    /// Whether a `(?m)$` was just written, so that the next character must end the line.
    private var pendingLineEnd = false

    init(spare: Int, limit: Int) {
        self.spare = spare
        self.limit = limit
        // A string of `limit` scalars takes a few visits each (the scalar, its sequence, its
        // repeat, and the empty choices between them), and the pattern itself is visited once
        // whole however little it writes. A million visits take a few milliseconds.
        allowedVisits = 64 * limit + PatternProgram.maximumInstructions
        visitsLeft = allowedVisits
    }

    /// The node visits made so far: what the writing cost, for `WorkBudget`.
    var visits: Int { allowedVisits - visitsLeft }

    /// What has been written.
    var text: String { String(String.UnicodeScalarView(scalars)) }

    /// Writes a string for `node` after what is written, while the bounds allow.
    mutating func write(_ node: PatternNode, random: inout SeededRandom) {
        visit(node, random: &random)
        // The end of the text is a non-word character for a `\b` or `\B` left waiting.
        if let boundary = pendingBoundary, !boundary.holds(after: scalars.last, before: nil) {
            put(boundary == .wordBoundary ? "x" : " ")
        }
        pendingBoundary = nil
    }

    private mutating func visit(_ node: PatternNode, random: inout SeededRandom) {
        guard scalars.count < limit, visitsLeft > 0 else { return }
        visitsLeft -= 1
        switch node {
        case .literal(let scalar, _): append(scalar)
        case .characterClass(let characters, _): if let scalar = characters.sample(&random) { append(scalar) }
        case .sequence(let items): for item in items { visit(item, random: &random) }
        case .alternation(let branches): visit(random.element(of: branches), random: &random)
        case .repetition(let item, let minimum, let maximum):
            let extra = min((maximum ?? Int.max) - minimum, spare)
            let count = minimum + (extra > 0 ? random.index(below: extra + 1) : 0)
            for _ in 0..<count {
                guard scalars.count < limit, visitsLeft > 0 else { return }
                visit(item, random: &random)
            }
        case .assertion(.lineStart):
            if let last = scalars.last, !PatternAssertion.isLineTerminator(last) { append("\n") }
        case .assertion(.lineEnd): pendingLineEnd = true
        case .assertion(.wordBoundary): pendingBoundary = .wordBoundary
        case .assertion(.notWordBoundary): pendingBoundary = .notWordBoundary
        case .assertion(.textStart), .assertion(.textEnd): break  // they hold at the ends of what is written, or cannot
        }
    }

    /// Writes `scalar`, after whatever the assertions waiting for it need.
    private mutating func append(_ scalar: Unicode.Scalar) {
        if pendingLineEnd, !PatternAssertion.isLineTerminator(scalar) { put("\n") }
        pendingLineEnd = false
        if let boundary = pendingBoundary, !boundary.holds(after: scalars.last, before: scalar) {
            // A character of the kind the boundary needs before `scalar`: for `\b` the other kind.
            put(PatternAssertion.isWord(scalar) == (boundary == .wordBoundary) ? " " : "x")
        }
        pendingBoundary = nil
        put(scalar)
    }

    private mutating func put(_ scalar: Unicode.Scalar) {
        if scalars.count < limit { scalars.append(scalar) }
    }
}
