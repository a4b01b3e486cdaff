/// A fixture's condition compiled against its snapshot's field indexes: a list of checks that
/// must all hold, where text tests are lookups in what the request's subject found once for
/// every fixture. The common checks carry no references, so running them copies nothing.
final class MatchTest: Sendable {
    enum Check {
        /// Holds when some text of the slot is the exact value with this id.
        case equals(slot: Int, id: Int, ignoringCase: Bool)
        /// Holds when some text of the slot contains the needle with this id.
        case contains(slot: Int, needle: Int, ignoringCase: Bool)
        /// Holds when some text of the slot is similar enough to the value, normalised when loaded.
        case fuzzy(slot: Int, value: [Character], threshold: Double)
        /// Holds when some text of the slot, folded as patterns fold it, holds a literal a
        /// pattern requires: the pattern need not run unless it does.
        case literal(slot: Int, id: Int)
        /// Holds when some text of the slot passes the matcher (regexes and globs).
        case pattern(slot: Int, TextMatcher)
        /// Holds when the slot's field has a value.
        case exists(slot: Int)
        case number(NumberField, NumberTest)
        case conversation(ConversationFlow)
        case not(MatchTest)
        /// Holds when one of the tests passes.
        case any([MatchTest])
        case lua(LuaPredicate)
    }

    let checks: [Check]
    /// A cheap check the condition cannot pass without, if it has one: matching tries it before
    /// anything else, and most fixtures fail on it (a needle that is absent, another model).
    let gate: Gate?

    /// A check on one bit or one id: what `MatchSubject` answers with a load.
    enum Gate {
        case needle(slot: Int, needle: Int, ignoringCase: Bool)
        case literal(slot: Int, id: Int)
        case exact(slot: Int, id: Int, ignoringCase: Bool)
    }

    /// Compiles `condition`, adding the values it tests to `builder`.
    init(_ condition: MatchCondition, builder: inout MatchIndexBuilder) {
        var checks: [Check] = []
        Self.compile(condition, into: &checks, builder: &builder)
        // The cheap checks first: a fixture fails on them before a pattern or a script runs.
        checks.sort { Self.cost($0) < Self.cost($1) }
        self.checks = checks
        // A needle is the better gate: many fixtures share a model, few a phrase.
        let needles = checks.lazy.compactMap { check -> Gate? in
            switch check {
            case .contains(let slot, let needle, let ignoringCase): return .needle(slot: slot, needle: needle, ignoringCase: ignoringCase)
            case .literal(let slot, let id): return .literal(slot: slot, id: id)
            default: return nil
            }
        }
        let exact = checks.lazy.compactMap { check -> Gate? in
            guard case .equals(let slot, let id, let ignoringCase) = check else { return nil }
            return .exact(slot: slot, id: id, ignoringCase: ignoringCase)
        }
        gate = needles.first ?? exact.first
    }

    private static func cost(_ check: Check) -> Int {
        switch check {
        case .equals, .contains, .literal, .exists: return 0
        case .number: return 1
        case .fuzzy, .pattern, .conversation: return 2
        case .not, .any: return 3
        case .lua: return 4
        }
    }

    private static func compile(_ condition: MatchCondition, into checks: inout [Check], builder: inout MatchIndexBuilder) {
        switch condition {
        case .text(let field, let matcher): compile(builder.slot(field), matcher, into: &checks, builder: &builder)
        case .number(let field, let test): checks.append(.number(field, test))
        case .exists(let field): checks.append(.exists(slot: builder.slot(field)))
        case .conversation(let flow): checks.append(.conversation(flow))
        case .all(let conditions):
            for condition in conditions { compile(condition, into: &checks, builder: &builder) }
        case .any(let conditions): checks.append(.any(conditions.map { MatchTest($0, builder: &builder) }))
        case .not(let condition): checks.append(.not(MatchTest(condition, builder: &builder)))
        case .lua(let predicate): checks.append(.lua(predicate))
        }
    }

    private static func compile(_ slot: Int, _ matcher: TextMatcher, into checks: inout [Check], builder: inout MatchIndexBuilder) {
        let ignoringCase = matcher.ignoresCase
        switch matcher.kind {
        case .equals(let value):
            checks.append(
                .equals(slot: slot, id: builder.exactValueID(value, in: slot, ignoringCase: ignoringCase), ignoringCase: ignoringCase))
        case .contains(let value):
            let needle = TextMatcher.bytes(value, ignoringCase: ignoringCase)
            // Every text contains the empty string, but a field without texts (no tool result,
            // a header not sent, a path that finds nothing) has none to contain it.
            if needle.isEmpty {
                checks.append(.exists(slot: slot))
            } else {
                checks.append(
                    .contains(
                        slot: slot, needle: builder.needleID(needle, in: slot, ignoringCase: ignoringCase), ignoringCase: ignoringCase))
            }
        case .fuzzy(let value, let threshold):
            checks.append(.fuzzy(slot: slot, value: FuzzySimilarity.normalized(value), threshold: threshold))
        case .regex(let pattern), .glob(let pattern):
            for literal in pattern.requiredLiterals where !literal.isEmpty {
                checks.append(.literal(slot: slot, id: builder.literalID(Array(literal.utf8), in: slot)))
            }
            checks.append(.pattern(slot: slot, matcher))
        }
    }

    /// Whether the gate lets the request of `subject` through (a test without one always does).
    @inline(__always)
    func opens(_ subject: MatchSubject) -> Bool {
        switch gate {
        case .none: return true
        case .needle(let slot, let needle, let ignoringCase)?: return subject.contains(needle, in: slot, ignoringCase: ignoringCase)
        case .exact(let slot, let id, let ignoringCase)?: return subject.hasExactValue(id, in: slot, ignoringCase: ignoringCase)
        case .literal(let slot, let id)?: return subject.containsLiteral(id, in: slot)
        }
    }

    /// How close the request of `subject` came to passing, from the checks that cost a lookup
    /// (text tests, numbers, the literals patterns require): the share of those that hold, where a
    /// `contains` that fails counts for the share of its value's pieces the text holds. Fuzzy
    /// tests, flows, combinations and Lua predicates are not counted: ranking every fixture on a
    /// miss must cost little more than matching did.
    func roughCloseness(_ subject: MatchSubject) -> Double {
        var counted = 0
        var held = 0.0
        for check in checks {
            switch check {
            case .contains(let slot, let needle, let ignoringCase):
                counted += 1
                held += Self.holds(check, for: subject) ? 1 : 0.9 * subject.share(of: needle, in: slot, ignoringCase: ignoringCase)
            case .equals, .exists, .number, .literal:
                counted += 1
                if Self.holds(check, for: subject) { held += 1 }
            case .pattern, .fuzzy, .conversation, .not, .any, .lua:
                // A pattern counts through the literals it requires: running 10,000 patterns
                // would cost a miss more than matching ever does.
                continue
            }
        }
        return counted == 0 ? 0 : held / Double(counted)
    }

    /// Whether the request of `subject` passes.
    func passes(_ subject: MatchSubject) -> Bool {
        checks.allSatisfy { Self.holds($0, for: subject) }
    }

    static func holds(_ check: Check, for subject: MatchSubject) -> Bool {
        switch check {
        case .equals(let slot, let id, let ignoringCase): return subject.hasExactValue(id, in: slot, ignoringCase: ignoringCase)
        case .contains(let slot, let needle, let ignoringCase): return subject.contains(needle, in: slot, ignoringCase: ignoringCase)
        case .literal(let slot, let id): return subject.containsLiteral(id, in: slot)
        case .fuzzy(let slot, let value, let threshold):
            return subject.normalizedTexts(slot).contains { FuzzySimilarity.isSimilar($0, value, threshold: threshold) }
        case .pattern(let slot, let matcher): return subject.values(slot).contains { matcher.matches($0) }
        case .exists(let slot): return !subject.values(slot).isEmpty
        case .number(let field, let test): return field.value(of: subject.request).map(test.passes) ?? false
        case .conversation(let flow): return flow.positions(in: subject.request.messages) != nil
        case .not(let test): return !test.passes(subject)
        case .any(let tests): return tests.contains { $0.passes(subject) }
        case .lua(let predicate):
            switch predicate.evaluate(subject.request, cancellation: subject.cancellation) {
            case .success(let matched): return matched
            case .failure(let failure):
                subject.predicateFailures.append(failure.description)
                return false
            }
        }
    }
}
