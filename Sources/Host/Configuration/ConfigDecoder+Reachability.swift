import Yams

/// Finding fixtures that can never answer: an earlier fixture (in the order they are tried)
/// answers every request they would.
extension ConfigDecoder {
    /// A decoded fixture and where the file has it, for reports.
    struct PlacedFixture {
        let fixture: Fixture
        /// Its place in the file's `fixtures` list, from 1.
        let number: Int
        let line: Int?
        let column: Int?

        var label: String { "fixture #\(number)" + (fixture.name.map { " \($0.debugDescription)" } ?? "") }
    }

    /// One problem for each fixture shadowed by an earlier one that matches every request
    /// (`match` empty) or tests exactly what it tests, and always answers (no `fall_through`
    /// sequence, no Lua predicate, whose answer may change).
    func unreachableFixtures(_ placed: [PlacedFixture]) -> [ConfigProblem] {
        // The order matching tries them in: higher priority first, file order within one.
        let tried = placed.enumerated().sorted { ($0.element.fixture.priority, -$0.offset) > ($1.element.fixture.priority, -$1.offset) }
            .map(\.element)
        var catchAll: PlacedFixture?
        var firstBySummary: [String: PlacedFixture] = [:]
        var found: [ConfigProblem] = []
        for entry in tried {
            let condition = entry.fixture.match
            let summary = condition.summary
            if let shadow = catchAll ?? firstBySummary[summary] {
                let why = shadow.fixture.match.isAlways ? "matches every request" : "tests the same (\(summary))"
                found.append(
                    ConfigProblem(
                        file: file, line: entry.line, column: entry.column, fixture: entry.label, key: "match",
                        message: "never answers: \(shadow.label)\(shadow.line.map { " (line \($0))" } ?? "") is tried first and \(why)"))
                continue
            }
            let alwaysAnswers = entry.fixture.sequence?.afterLast != .fallThrough && !condition.containsScriptPredicates
            guard alwaysAnswers else { continue }
            if condition.isAlways { catchAll = entry }
            firstBySummary[summary] = firstBySummary[summary] ?? entry
        }
        return found.sorted { ($0.line ?? 0) < ($1.line ?? 0) }
    }
}
