import LyrebirdPluginAPI

/// What a request must look like for a fixture to answer it.
public indirect enum MatchCondition: Sendable {
    /// Tests the model id.
    case model(TextMatcher)
    /// Tests the text of the last user message.
    case user(TextMatcher)
    /// Tests the system and developer instructions.
    case system(TextMatcher)
    /// Every condition holds (an empty list always holds).
    case all([MatchCondition])
    /// The condition does not hold.
    case not(MatchCondition)
    /// A Lua predicate returns true.
    case lua(LuaPredicate)

    /// Matches every request.
    public static let always = MatchCondition.all([])

    /// Whether `request` satisfies the condition. Lua predicates run on the calling thread.
    public func matches(_ request: CanonicalRequest) -> Bool {
        matches(request, cancellation: nil)
    }

    /// Whether `request` satisfies the condition; `cancellation` stops a running Lua predicate.
    func matches(_ request: CanonicalRequest, cancellation: ScriptCancellation?) -> Bool {
        var builder = MatchIndexBuilder()
        let test = MatchTest(self, builder: &builder)
        return test.passes(MatchSubject(request, indexes: builder.build(), cancellation: cancellation))
    }

    /// The model ids the condition requires exactly (`model: gpt-4o`), for model lists.
    public var exactModels: [String] {
        switch self {
        case .model(let matcher):
            if case .equals(let id) = matcher.kind { return [id] }
            return []
        case .user, .system, .not, .lua: return []
        case .all(let conditions): return conditions.flatMap(\.exactModels)
        }
    }

    /// Whether the condition runs a Lua predicate, so that matching runs a script.
    public var containsScriptPredicates: Bool {
        switch self {
        case .model, .user, .system: return false
        case .all(let conditions): return conditions.contains { $0.containsScriptPredicates }
        case .not(let condition): return condition.containsScriptPredicates
        case .lua: return true
        }
    }

    /// Each failing part of the condition in words, and how close the request came overall
    /// (0 to 1). Used to explain why no fixture matched.
    public func explainMiss(_ request: CanonicalRequest) -> (reasons: [String], closeness: Double) {
        var builder = MatchIndexBuilder()
        _ = MatchTest(self, builder: &builder)
        return explainMiss(MatchSubject(request, indexes: builder.build(), cancellation: nil))
    }

    /// `explainMiss` for the request of `subject`, whose indexes hold this condition's values:
    /// each field's text is read, searched and normalised once for every fixture.
    func explainMiss(_ subject: MatchSubject) -> (reasons: [String], closeness: Double) {
        switch self {
        case .model(let matcher): return Self.leaf(.model, "model", matcher, subject)
        case .user(let matcher): return Self.leaf(.user, "user", matcher, subject)
        case .system(let matcher): return Self.leaf(.system, "system", matcher, subject)
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
        case .lua(let predicate):
            return predicate.matches(subject.request) ? ([], 1) : (["the request does not \(predicate.summary)"], 0)
        case .not(let condition):
            if condition.holds(for: subject) {
                return (["not: the request satisfies the inverted condition"], 0)
            }
            return ([], 1)
        }
    }

    /// Whether the request of `subject` satisfies the condition.
    private func holds(for subject: MatchSubject) -> Bool {
        switch self {
        case .model(let matcher): return matcher.matches(subject, in: .model)
        case .user(let matcher): return matcher.matches(subject, in: .user)
        case .system(let matcher): return matcher.matches(subject, in: .system)
        case .all(let conditions): return conditions.allSatisfy { $0.holds(for: subject) }
        case .not(let condition): return !condition.holds(for: subject)
        case .lua(let predicate): return predicate.matches(subject.request)
        }
    }

    private static func leaf(_ field: MatchField, _ name: String, _ matcher: TextMatcher, _ subject: MatchSubject) -> ([String], Double) {
        if matcher.matches(subject, in: field) { return ([], 1) }
        let text = subject.text(field)
        // Counting the characters of a long text would cost its length for every fixture.
        let shown = text.dropFirst(60).isEmpty ? text : String(text.prefix(57)) + "..."
        let closeness = matcher.closeness(failing: subject.normalizedText(field))
        return (["\(name) \(shown.debugDescription) does not satisfy: \(matcher.summary)"], closeness)
    }
}
