/// A fixture's condition compiled against its store's field indexes: text tests become
/// lookups in what the request's subject found once for every fixture.
final class MatchTest: Sendable {
    private enum Node {
        /// Holds when the field's text is the exact value with this id.
        case equals(MatchField, id: Int)
        /// Holds when the field's text contains the needle with this id.
        case contains(MatchField, needle: Int)
        case always
        case other(MatchField, TextMatcher)
        case all([MatchTest])
        case not(MatchTest)
        case lua(LuaPredicate)
    }

    private let node: Node

    private init(node: Node) {
        self.node = node
    }

    /// Compiles `condition`, adding the values it tests to `builder`.
    convenience init(_ condition: MatchCondition, builder: inout MatchIndexBuilder) {
        switch condition {
        case .model(let matcher): self.init(node: Self.node(.model, matcher, &builder))
        case .user(let matcher): self.init(node: Self.node(.user, matcher, &builder))
        case .system(let matcher): self.init(node: Self.node(.system, matcher, &builder))
        case .all(let conditions): self.init(node: .all(conditions.map { MatchTest($0, builder: &builder) }))
        case .not(let condition): self.init(node: .not(MatchTest(condition, builder: &builder)))
        case .lua(let predicate): self.init(node: .lua(predicate))
        }
    }

    private static func node(_ field: MatchField, _ matcher: TextMatcher, _ builder: inout MatchIndexBuilder) -> Node {
        switch matcher.kind {
        case .equals(let value):
            return .equals(field, id: builder.exactValueID(value, in: field))
        case .contains(let value):
            let needle = Array(value.lowercased().utf8)
            return needle.isEmpty ? .always : .contains(field, needle: builder.needleID(needle, in: field))
        default:
            return .other(field, matcher)
        }
    }

    /// Whether the request of `subject` passes.
    func passes(_ subject: MatchSubject) -> Bool {
        switch node {
        case .equals(let field, let id): return subject.exactValueID(field) == id
        case .contains(let field, let needle): return subject.contains(needle, in: field)
        case .always: return true
        case .other(let field, let matcher): return matcher.matches(subject.text(field))
        case .all(let tests):
            for test in tests where !test.passes(subject) { return false }
            return true
        case .not(let test): return !test.passes(subject)
        case .lua(let predicate): return predicate.matches(subject.request)
        }
    }
}

/// Gathers the values compiled conditions test, field by field, and builds their indexes.
struct MatchIndexBuilder {
    private var needles: [[[UInt8]]] = MatchField.allCases.map { _ in [] }
    private var needleIDs: [[[UInt8]: Int]] = MatchField.allCases.map { _ in [:] }
    private var exactValues: [[String: Int]] = MatchField.allCases.map { _ in [:] }

    mutating func needleID(_ needle: [UInt8], in field: MatchField) -> Int {
        if let id = needleIDs[field.rawValue][needle] { return id }
        let id = needles[field.rawValue].count
        needles[field.rawValue].append(needle)
        needleIDs[field.rawValue][needle] = id
        return id
    }

    mutating func exactValueID(_ value: String, in field: MatchField) -> Int {
        if let id = exactValues[field.rawValue][value] { return id }
        let id = exactValues[field.rawValue].count
        exactValues[field.rawValue][value] = id
        return id
    }

    func build() -> [FieldIndex] {
        MatchField.allCases.map { field in
            FieldIndex(needles: NeedleIndex(needles[field.rawValue]), exactValues: exactValues[field.rawValue])
        }
    }
}
