/// A fixture's condition compiled against its store's field indexes: a list of checks that
/// must all hold, where text tests are lookups in what the request's subject found once for
/// every fixture. The common checks carry no references, so running them copies nothing.
final class MatchTest: Sendable {
    private enum Check {
        /// Holds when the field's text is the exact value with this id.
        case equals(MatchField, id: Int)
        /// Holds when the field's text contains the needle with this id.
        case contains(MatchField, needle: Int)
        /// Holds when the field's text is similar enough to the value, normalised when loaded.
        case fuzzy(MatchField, value: [Character], threshold: Double)
        case other(MatchField, TextMatcher)
        case not(MatchTest)
        case lua(LuaPredicate)
    }

    private let checks: [Check]
    /// A `contains` check the condition cannot pass without, if it has one: matching skips the
    /// fixture on that one bit when the needle is absent, which it is for most fixtures.
    let requiredNeedle: (field: MatchField, needle: Int)?

    /// Compiles `condition`, adding the values it tests to `builder`.
    init(_ condition: MatchCondition, builder: inout MatchIndexBuilder) {
        var checks: [Check] = []
        Self.compile(condition, into: &checks, builder: &builder)
        self.checks = checks
        requiredNeedle =
            checks.lazy.compactMap { check -> (MatchField, Int)? in
                guard case .contains(let field, let needle) = check else { return nil }
                return (field, needle)
            }.first
    }

    private static func compile(_ condition: MatchCondition, into checks: inout [Check], builder: inout MatchIndexBuilder) {
        switch condition {
        case .model(let matcher): compile(.model, matcher, into: &checks, builder: &builder)
        case .user(let matcher): compile(.user, matcher, into: &checks, builder: &builder)
        case .system(let matcher): compile(.system, matcher, into: &checks, builder: &builder)
        case .all(let conditions):
            for condition in conditions { compile(condition, into: &checks, builder: &builder) }
        case .not(let condition): checks.append(.not(MatchTest(condition, builder: &builder)))
        case .lua(let predicate): checks.append(.lua(predicate))
        }
    }

    private static func compile(_ field: MatchField, _ matcher: TextMatcher, into checks: inout [Check], builder: inout MatchIndexBuilder) {
        switch matcher.kind {
        case .equals(let value):
            checks.append(.equals(field, id: builder.exactValueID(value, in: field)))
        case .contains(let value):
            let needle = Array(value.lowercased().utf8)
            // Every text contains the empty string: nothing to check.
            if !needle.isEmpty { checks.append(.contains(field, needle: builder.needleID(needle, in: field))) }
        case .fuzzy(let value, let threshold):
            checks.append(.fuzzy(field, value: FuzzySimilarity.normalized(value), threshold: threshold))
        default:
            checks.append(.other(field, matcher))
        }
    }

    /// Whether the request of `subject` passes.
    func passes(_ subject: MatchSubject) -> Bool {
        for check in checks {
            switch check {
            case .equals(let field, let id): if subject.exactValueID(field) != id { return false }
            case .contains(let field, let needle): if !subject.contains(needle, in: field) { return false }
            case .fuzzy(let field, let value, let threshold):
                if !FuzzySimilarity.isSimilar(subject.normalizedText(field), value, threshold: threshold) { return false }
            case .other(let field, let matcher): if !matcher.matches(subject.text(field)) { return false }
            case .not(let test): if test.passes(subject) { return false }
            case .lua(let predicate):
                switch predicate.evaluate(subject.request, cancellation: subject.cancellation) {
                case .success(let matched): if !matched { return false }
                case .failure(let failure):
                    subject.predicateFailures.append(failure.description)
                    return false
                }
            }
        }
        return true
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
            FieldIndex(
                needles: NeedleIndex(needles[field.rawValue]), needleIDs: needleIDs[field.rawValue],
                exactValues: exactValues[field.rawValue])
        }
    }
}
