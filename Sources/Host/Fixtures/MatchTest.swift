/// A fixture's condition made ready to test many requests: each text test holds what it needs
/// worked out in advance (a lower-cased needle), so testing a request copies nothing.
final class MatchTest: Sendable {
    private enum Field {
        case model, user, system
    }

    private enum Node {
        case equals(Field, String)
        case contains(Field, foldedNeedle: [UInt8])
        case other(Field, TextMatcher)
        case all([MatchTest])
        case not(MatchTest)
        case lua(LuaPredicate)
    }

    private let node: Node

    init(_ condition: MatchCondition) {
        switch condition {
        case .model(let matcher): node = Self.node(.model, matcher)
        case .user(let matcher): node = Self.node(.user, matcher)
        case .system(let matcher): node = Self.node(.system, matcher)
        case .all(let conditions): node = .all(conditions.map(MatchTest.init))
        case .not(let condition): node = .not(MatchTest(condition))
        case .lua(let predicate): node = .lua(predicate)
        }
    }

    private static func node(_ field: Field, _ matcher: TextMatcher) -> Node {
        switch matcher.kind {
        case .equals(let value): return .equals(field, value)
        case .contains(let value): return .contains(field, foldedNeedle: Array(value.lowercased().utf8))
        default: return .other(field, matcher)
        }
    }

    /// Whether the request of `subject` passes.
    func passes(_ subject: MatchSubject) -> Bool {
        switch node {
        case .equals(let field, let value): return text(field, of: subject).text == value
        case .contains(let field, let needle): return text(field, of: subject).containsFolded(needle)
        case .other(let field, let matcher): return matcher.matches(text(field, of: subject))
        case .all(let tests):
            for test in tests where !test.passes(subject) { return false }
            return true
        case .not(let test): return !test.passes(subject)
        case .lua(let predicate): return predicate.matches(subject.request)
        }
    }

    private func text(_ field: Field, of subject: MatchSubject) -> MatchText {
        switch field {
        case .model: return subject.model
        case .user: return subject.lastUser
        case .system: return subject.system
        }
    }
}
