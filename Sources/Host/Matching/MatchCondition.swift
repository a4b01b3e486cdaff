import LyrebirdPluginAPI

/// What a request must look like for a fixture to answer it.
public indirect enum MatchCondition: Sendable {
    /// Some text of the field passes the matcher.
    case text(MatchField, TextMatcher)
    /// The field's number passes the comparison.
    case number(NumberField, NumberTest)
    /// The field has a value (a header is present, a body path holds something, a tool result
    /// exists).
    case exists(MatchField)
    /// The request's messages hold the flow's steps in order.
    case conversation(ConversationFlow)
    /// Every condition holds (an empty list always holds).
    case all([MatchCondition])
    /// At least one condition holds (an empty list never does).
    case any([MatchCondition])
    /// The condition does not hold.
    case not(MatchCondition)
    /// A Lua predicate returns true.
    case lua(LuaPredicate)

    /// Matches every request.
    public static let always = MatchCondition.all([])

    /// Tests the model id.
    public static func model(_ matcher: TextMatcher) -> MatchCondition { .text(.model, matcher) }
    /// Tests the text of the last user message.
    public static func user(_ matcher: TextMatcher) -> MatchCondition { .text(.user, matcher) }
    /// Tests the system and developer instructions.
    public static func system(_ matcher: TextMatcher) -> MatchCondition { .text(.system, matcher) }

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
        case .text(.model, let matcher):
            if case .equals(let id) = matcher.kind, !matcher.ignoresCase { return [id] }
            return []
        case .all(let conditions): return conditions.flatMap(\.exactModels)
        default: return []
        }
    }

    /// Whether the condition runs a Lua predicate, so that matching runs a script.
    public var containsScriptPredicates: Bool {
        switch self {
        case .text, .number, .exists, .conversation: return false
        case .all(let conditions), .any(let conditions): return conditions.contains { $0.containsScriptPredicates }
        case .not(let condition): return condition.containsScriptPredicates
        case .lua: return true
        }
    }

    /// The conversation flows the condition requires (not those under `any` or `not`).
    var flows: [ConversationFlow] {
        switch self {
        case .conversation(let flow): return [flow]
        case .all(let conditions): return conditions.flatMap(\.flows)
        default: return []
        }
    }

    /// Whether the condition holds for every request: nothing to test.
    var isAlways: Bool {
        switch self {
        case .all(let conditions): return conditions.allSatisfy(\.isAlways)
        default: return false
        }
    }

    /// The condition in words, one way for each condition, so that two conditions that read
    /// the same test the same (how `lyrebird validate` finds a fixture another one shadows).
    public var summary: String {
        switch self {
        case .text(let field, let matcher): return "\(field.name) \(matcher.summary)"
        case .number(let field, let test): return "\(field.name) \(test.summary)"
        case .exists(let field): return "\(field.name) exists"
        case .conversation(let flow): return flow.summary
        case .all(let conditions):
            return conditions.isEmpty ? "anything" : conditions.map(\.summary).sorted().joined(separator: " and ")
        case .any(let conditions): return "any of (" + conditions.map(\.summary).sorted().joined(separator: "; ") + ")"
        case .not(let condition): return "not (\(condition.summary))"
        case .lua(let predicate): return predicate.summary
        }
    }
}
