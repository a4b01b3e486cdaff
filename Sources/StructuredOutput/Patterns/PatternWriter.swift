import LyrebirdPluginAPI

/// Writes one string that a parsed pattern may match, at random: one try of
/// `SchemaPattern.sample`.
///
/// Its work is bounded whatever the pattern: it stops at `limit` scalars, and after a number
/// of node visits proportional to that limit, since repeats of what can be empty (`(a*)*`)
/// would otherwise loop for the square or the cube of `spare` while writing nothing.
struct PatternWriter {
    /// How many repeats past its minimum an open-ended or ranged repeat may take.
    let spare: Int
    /// The most scalars written.
    let limit: Int
    private var scalars: [Unicode.Scalar] = []
    private var visitsLeft: Int
    private let allowedVisits: Int

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
        guard scalars.count < limit, visitsLeft > 0 else { return }
        visitsLeft -= 1
        switch node {
        case .literal(let scalar): scalars.append(scalar)
        case .characterClass(let characters): if let scalar = characters.sample(&random) { scalars.append(scalar) }
        case .sequence(let items): for item in items { write(item, random: &random) }
        case .alternation(let branches): write(random.element(of: branches), random: &random)
        case .repetition(let item, let minimum, let maximum):
            let extra = min((maximum ?? Int.max) - minimum, spare)
            let count = minimum + (extra > 0 ? random.index(below: extra + 1) : 0)
            for _ in 0..<count {
                guard scalars.count < limit, visitsLeft > 0 else { return }
                write(item, random: &random)
            }
        case .start, .end: break
        }
    }
}
