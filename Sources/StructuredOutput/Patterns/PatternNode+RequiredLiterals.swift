extension PatternNode {
    /// The most strings `requiredLiterals()` returns.
    static let maximumRequiredLiterals = 4
    /// The longest string it returns, in scalars: longer runs are cut, which keeps them required.
    static let longestRequiredLiteral = 64

    /// Strings that every text the pattern matches contains, for a prefilter that looks for
    /// many patterns' literals in one pass over a text and skips a pattern when one is missing.
    ///
    /// The strings are lower-cased, one scalar at a time with `Unicode.Scalar.lowercased`,
    /// whether the pattern ignores case or not: look for them in the text lower-cased the same way
    /// (not with `String.lowercased()`, which may change a character's length). At most
    /// `maximumRequiredLiterals`, longest first, none inside another; empty when the pattern needs
    /// no literal (`\d+`, `cat|dog`). A string may be one character long.
    package func requiredLiterals() -> [String] {
        LiteralFacts.longestFirst(literalFacts().all, keeping: Self.maximumRequiredLiterals).map {
            String(String.UnicodeScalarView($0))
        }
    }

    /// What the node says about the text it matches, lower-cased.
    private func literalFacts() -> LiteralFacts {
        switch self {
        case .literal(let scalar, _): return LiteralFacts(exact: [scalar.lowercased])
        case .characterClass: return LiteralFacts()
        case .assertion: return LiteralFacts(exact: [])
        case .sequence(let items): return items.reduce(LiteralFacts(exact: [])) { $0.followed(by: $1.literalFacts()) }
        case .alternation(let branches): return LiteralFacts(eitherOf: branches.map { $0.literalFacts() })
        case .repetition(let item, let minimum, let maximum):
            guard minimum > 0 else { return maximum == 0 ? LiteralFacts(exact: []) : LiteralFacts() }
            return item.literalFacts().repeated(minimum, exactly: maximum == minimum)
        }
    }
}

/// Literals a node's matches are sure to hold, as `[Unicode.Scalar]`.
private struct LiteralFacts {
    /// The only string the node matches, when there is one (`abc`, `(?:ab){2}`, `^`): it joins
    /// its neighbours' literals.
    var exact: [Unicode.Scalar]?
    /// What every match starts with, and ends with: `ab+` starts with `ab` and ends with `b`.
    var prefix: [Unicode.Scalar] = []
    var suffix: [Unicode.Scalar] = []
    /// Strings inside every match, besides those.
    var required: [[Unicode.Scalar]] = []

    private static let longest = PatternNode.longestRequiredLiteral
    /// How many required strings a node keeps: enough for the longest few of the whole pattern.
    private static let kept = 2 * PatternNode.maximumRequiredLiterals

    init() {}

    /// A node that matches `exact` only; a string too long to keep becomes its two ends.
    init(exact: [Unicode.Scalar]) {
        guard exact.count > Self.longest else {
            self.exact = exact
            prefix = exact
            suffix = exact
            return
        }
        prefix = Array(exact.prefix(Self.longest))
        suffix = Array(exact.suffix(Self.longest))
    }

    /// Every string known to be inside every match.
    var all: [[Unicode.Scalar]] {
        (required + [prefix, suffix]).filter { !$0.isEmpty }
    }

    /// The facts of this node's match followed by `next`'s: the end of one and the start of the
    /// other meet in the text.
    func followed(by next: LiteralFacts) -> LiteralFacts {
        if let exact, let following = next.exact { return LiteralFacts(exact: exact + following) }
        var joined = LiteralFacts()
        joined.prefix = exact.map { Self.cut($0 + next.prefix, keepingEnd: false) } ?? prefix
        joined.suffix = next.exact.map { Self.cut(suffix + $0, keepingEnd: true) } ?? next.suffix
        // Where this node's end meets a node that is not exact: a run of literals is over. (A
        // run going on is in `joined.suffix`.)
        joined.required = Self.longestFirst(required + next.required + (next.exact == nil ? [suffix + next.prefix] : []))
        return joined
    }

    /// The facts of a node that matches one of `branches`: what they all share.
    init(eitherOf branches: [LiteralFacts]) {
        guard let first = branches.first else {
            self.init()
            return
        }
        if let exact = first.exact, branches.allSatisfy({ $0.exact == exact }) {
            self.init(exact: exact)
            return
        }
        self.init()
        prefix = branches.dropFirst().reduce(first.prefix) { shared, branch in
            Array(zip(shared, branch.prefix).prefix { $0 == $1 }.map(\.0))
        }
        suffix = branches.dropFirst().reduce(first.suffix) { shared, branch in
            Array(zip(shared.reversed(), branch.suffix.reversed()).prefix { $0 == $1 }.map(\.0).reversed())
        }
        // A literal of one branch that is inside a literal of every other branch.
        required = Self.longestFirst(
            branches.dropFirst().reduce(first.all) { shared, branch in
                let theirs = branch.all
                return shared.filter { literal in theirs.contains { $0.contains(literal) } }
            })
    }

    /// The facts of `count` or more repeats (exactly `count` when `exactly`), `count` > 0.
    func repeated(_ count: Int, exactly: Bool) -> LiteralFacts {
        if let exact {
            // No more repeats than make a string too long to keep: one that long is cut to its
            // ends, which every match has whether or not repeats were left out.
            let repeats = exact.isEmpty ? [] : Array(repeatElement(exact, count: min(count, Self.longest + 1)).joined())
            var facts = LiteralFacts(exact: repeats)
            if !exactly, facts.exact != nil {
                facts.exact = nil
                facts.required = [repeats]
            }
            return facts
        }
        var facts = self
        // Between two repeats, one's end meets the next one's start.
        if count > 1 { facts.required = Self.longestFirst(required + [suffix + prefix]) }
        return facts
    }

    private static func cut(_ literal: [Unicode.Scalar], keepingEnd: Bool) -> [Unicode.Scalar] {
        guard literal.count > longest else { return literal }
        return Array(keepingEnd ? literal.suffix(longest) : literal.prefix(longest))
    }

    /// The longest `limit` of `literals`, cut to the longest kept, leaving out any inside another.
    static func longestFirst(_ literals: [[Unicode.Scalar]], keeping limit: Int = kept) -> [[Unicode.Scalar]] {
        var found: [[Unicode.Scalar]] = []
        for literal in literals.map({ cut($0, keepingEnd: false) }).sorted(by: { $0.count > $1.count }) {
            guard found.count < limit else { break }
            if !literal.isEmpty, !found.contains(where: { $0.contains(literal) }) { found.append(literal) }
        }
        return found
    }
}
