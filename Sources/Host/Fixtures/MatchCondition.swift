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
        switch self {
        case .model(let matcher): return Self.leaf("model", request.model, matcher)
        case .user(let matcher): return Self.leaf("user", request.lastUserText, matcher)
        case .system(let matcher): return Self.leaf("system", request.systemText, matcher)
        case .all(let conditions):
            guard !conditions.isEmpty else { return ([], 1) }
            var reasons: [String] = []
            var total = 0.0
            for condition in conditions {
                let miss = condition.explainMiss(request)
                reasons += miss.reasons
                total += miss.closeness
            }
            return (reasons, total / Double(conditions.count))
        case .lua(let predicate):
            return predicate.matches(request) ? ([], 1) : (["the request does not \(predicate.summary)"], 0)
        case .not(let condition):
            if condition.matches(request) {
                return (["not: the request satisfies the inverted condition"], 0)
            }
            return ([], 1)
        }
    }

    private static func leaf(_ field: String, _ text: String, _ matcher: TextMatcher) -> ([String], Double) {
        if matcher.matches(text) { return ([], 1) }
        let shown = text.count > 60 ? String(text.prefix(57)) + "..." : text
        return (["\(field) \(shown.debugDescription) does not satisfy: \(matcher.summary)"], matcher.closeness(text))
    }
}
