import LyrebirdPluginAPI

extension MatchCondition {
    /// Each failing part of the condition in words, with the value it saw, and how close the
    /// request came overall (0 to 1). Used to explain why no fixture matched.
    public func explainMiss(_ request: CanonicalRequest) -> (reasons: [String], closeness: Double) {
        var builder = MatchIndexBuilder()
        _ = MatchTest(self, builder: &builder)
        return explainMiss(MatchSubject(request, indexes: builder.build(), cancellation: nil))
    }

    /// `explainMiss` for the request of `subject`, whose indexes hold this condition's fields:
    /// each field's texts are read and normalised once for every fixture.
    func explainMiss(_ subject: MatchSubject) -> (reasons: [String], closeness: Double) {
        switch self {
        case .text(let field, let matcher):
            let values = subject.values(of: field)
            if values.contains(where: matcher.matches) { return ([], 1) }
            let closeness = values.map { matcher.closeness(failing: FuzzySimilarity.normalized(Self.shortened($0))) }.max() ?? 0
            return (["\(field.name) \(Self.shown(values)) does not satisfy: \(matcher.summary)"], closeness)
        case .number(let field, let test):
            let value = field.value(of: subject.request)
            if let value, test.passes(value) { return ([], 1) }
            let seen = value.map { "is \($0)" } ?? "is not a number"
            return (["\(field.name) \(seen), which is not \(test.summary)"], 0)
        case .exists(let field):
            return subject.values(of: field).isEmpty ? (["\(field.name) is absent"], 0) : ([], 1)
        case .conversation(let flow):
            if flow.positions(in: subject.request.messages) != nil { return ([], 1) }
            return (["the conversation (\(subject.request.messages.count) messages) is not \(flow.summary)"], 0)
        case .all(let conditions):
            guard !conditions.isEmpty else { return ([], 1) }
            var reasons: [String] = []
            var total = 0.0
            for condition in conditions {
                let miss = condition.explainMiss(subject)
                reasons += miss.reasons
                total += miss.closeness
            }
            return (reasons, total / Double(conditions.count))
        case .any(let conditions):
            let misses = conditions.map { $0.explainMiss(subject) }
            if misses.contains(where: { $0.reasons.isEmpty }) { return ([], 1) }
            let reasons = misses.flatMap(\.reasons)
            return (["none of: " + reasons.joined(separator: "; ")], misses.map(\.closeness).max() ?? 0)
        case .lua(let predicate):
            return predicate.matches(subject.request) ? ([], 1) : (["the request does not \(predicate.summary)"], 0)
        case .not(let condition):
            if condition.explainMiss(subject).reasons.isEmpty {
                return (["not: the request satisfies \(condition.summary)"], 0)
            }
            return ([], 1)
        }
    }

    /// The first `rankingLimit` characters: ranking a long text would cost its length for every
    /// fixture.
    private static func shortened(_ text: String) -> String {
        text.utf8.count <= FuzzySimilarity.rankingLimit ? text : String(text.prefix(FuzzySimilarity.rankingLimit))
    }

    /// Texts as an explanation shows them: each cut to 60 characters, at most three.
    private static func shown(_ values: [String]) -> String {
        func cut(_ text: String) -> String {
            (text.dropFirst(60).isEmpty ? text : String(text.prefix(57)) + "...").debugDescription
        }
        switch values.count {
        case 0: return "(none)"
        case 1: return cut(values[0])
        default:
            let listed = values.prefix(3).map(cut).joined(separator: ", ")
            return "[\(listed)\(values.count > 3 ? ", ... \(values.count - 3) more" : "")]"
        }
    }
}
