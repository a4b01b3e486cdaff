@testable import LyrebirdStructuredOutput

/// What a parsed pattern matches, by definition: the set of places in `text` where a match of a
/// node that starts at a given place can end. It shares nothing with `PatternProgram` but the
/// character tests (a class's `contains`, an assertion's `holds`), so it checks the compiled
/// states and their simulation. Its work grows with the repeats written out times the text's
/// length squared: for short texts only.
struct EndPositions {
    let text: [Unicode.Scalar]

    /// Whether the pattern matches anywhere in the text.
    func anyMatch(_ node: PatternNode) -> Bool {
        (0...text.count).contains { !ends(node, from: [$0]).isEmpty }
    }

    /// Where matches of `node` that start at any of `starts` end.
    func ends(_ node: PatternNode, from starts: Set<Int>) -> Set<Int> {
        switch node {
        case .literal(let expected, let ignoringCase):
            return starts.filter { start in
                guard start < text.count else { return false }
                return ignoringCase ? text[start].lowercased == expected.lowercased : text[start] == expected
            }.reduce(into: []) { $0.insert($1 + 1) }
        case .characterClass(let characters, let ignoringCase):
            return starts.filter { start in
                guard start < text.count else { return false }
                let scalar = text[start]
                return ignoringCase ? characters.contains(scalar, lowered: scalar.lowercased) : characters.contains(scalar)
            }.reduce(into: []) { $0.insert($1 + 1) }
        case .assertion(let assertion):
            return starts.filter { place in
                assertion.holds(after: place > 0 ? text[place - 1] : nil, before: place < text.count ? text[place] : nil)
            }
        case .sequence(let items):
            return items.reduce(starts) { ends($1, from: $0) }
        case .alternation(let branches):
            return branches.reduce(into: []) { $0.formUnion(ends($1, from: starts)) }
        case .repetition(let item, let minimum, let maximum):
            var current = starts
            for _ in 0..<minimum { current = ends(item, from: current) }
            var all = current
            var repeats = minimum
            // Further repeats until the limit, or until they reach no place not reached before:
            // then no later repeat can either.
            while repeats < maximum ?? .max {
                current = ends(item, from: current).subtracting(all)
                if current.isEmpty { break }
                all.formUnion(current)
                repeats += 1
            }
            return all
        }
    }
}
