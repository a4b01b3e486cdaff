import Foundation
import FuzzSupport
import LyrebirdPluginAPI

@testable import LyrebirdHost

/// Fixture matching, differentially: the host's compiled matching (conditions compiled against
/// indexes shared by every fixture of a store: needle automata for `contains`, tables of exact
/// values, gates tried first) against `Reference`, which evaluates each condition tree directly
/// from docs/fixtures.md, one text at a time.
///
/// Input: fixtures' `match` mappings in YAML, separated by lines `---`, then a line `===` and a
/// request in the line form `RequestText` reads, whose `$0` to `$9` are the texts the fixtures
/// look for. Each mapping is decoded as a fixture file has it (`match:` with the mapping under
/// it), and one the decoder refuses, that holds a Lua predicate, or that the text makes a
/// sequence or gives a priority, is left out.
///
/// What must hold, for every fixture: `MatchCondition.matches` and `explainMiss` (no reasons when
/// it matches) agree with the reference. For the fixtures together: a store's `firstMatch`
/// answers with the first fixture the reference matches, in file order and reversed; when none
/// matches, `nearMisses` names at most three fixtures, each once and with its reasons.
///
/// With `FUZZ_MATCH_SHOW=1` in the environment each input's fixtures, request and the fixtures
/// the reference matches are printed: how to check that a seed says what it means to.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: inputBytes(data, size), as: UTF8.self)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    let divider = lines.firstIndex(of: "===") ?? lines.endIndex
    let fixtures = decodeFixtures(lines[..<divider])
    let literals = fixtures.flatMap { sought(by: $0.match) }
    let request = RequestText(literals: literals).request(
        divider < lines.endIndex ? lines[(divider + 1)...].joined(separator: "\n")[...] : "")
    let reference = Reference(request: request)

    var matching: [String] = []
    for fixture in fixtures {
        let expected = reference.matches(fixture.match)
        if expected { matching.append(fixture.id) }
        require(
            fixture.match.matches(request) == expected,
            "\(fixture.id) (\(fixture.match.summary)): matches says \(!expected), the reference \(expected)\n\(describe(request))")
        let reasons = fixture.match.explainMiss(request).reasons
        require(
            reasons.isEmpty == expected,
            "\(fixture.id) (\(fixture.match.summary)): the reference says \(expected), explainMiss \(reasons)\n\(describe(request))")
    }

    if showing {
        print("\(describe(fixtures))literals \(literals)\n\(describe(request))\nthe reference matches \(matching)\n")
    }

    let store = FixtureStore(fixtures)
    let chosen = store.firstMatch(for: request)?.id
    require(
        chosen == matching.first,
        "firstMatch chose \(chosen ?? "none"), the reference \(matching.first ?? "none") of \(matching)\n\(describe(fixtures))\(describe(request))"
    )
    let reversed = FixtureStore(fixtures.reversed()).firstMatch(for: request)?.id
    require(
        reversed == matching.last,
        "in reverse order firstMatch chose \(reversed ?? "none"), the reference \(matching.last ?? "none")\n\(describe(fixtures))\(describe(request))"
    )

    if matching.isEmpty && !fixtures.isEmpty {
        let misses = store.nearMisses(for: request)
        let named = misses.map(\.fixture.id)
        require(!misses.isEmpty && misses.count <= 3, "nearMisses named \(misses.count) of \(fixtures.count) fixtures")
        require(Set(named).count == named.count, "nearMisses named a fixture twice: \(named)")
        require(
            named.allSatisfy { id in fixtures.contains { $0.id == id } }, "nearMisses named a fixture the store does not hold: \(named)")
        for miss in misses {
            require(!miss.reasons.isEmpty, "nearMisses gave \(miss.fixture.id) (\(miss.fixture.match.summary)) no reason")
        }
    }
    return 0
}

private let showing = ProcessInfo.processInfo.environment["FUZZ_MATCH_SHOW"] == "1"

/// The most fixtures one input makes.
private let maxFixtures = 12

/// Each block of lines between `---` lines, decoded as a fixture's `match`.
private func decodeFixtures(_ lines: ArraySlice<Substring>) -> [Fixture] {
    var blocks: [[Substring]] = [[]]
    for line in lines {
        if line == "---" { blocks.append([]) } else { blocks[blocks.count - 1].append(line) }
    }
    var fixtures: [Fixture] = []
    for block in blocks where fixtures.count < maxFixtures {
        // Lua predicates stay out: they are not what this target compares, and cost a state.
        guard block.contains(where: { !$0.allSatisfy(\.isWhitespace) }), !block.contains(where: { $0.contains("lua") }) else { continue }
        let yaml = "match:\n" + block.map { "  " + $0 + "\n" }.joined() + "reply: {content: ok}\n"
        guard var fixture = try? Fixture(yaml: yaml) else { continue }
        // A line break YAML sees but the split does not (a lone carriage return) can add keys
        // beside `match`.
        guard !fixture.match.containsScriptPredicates, fixture.sequence == nil, fixture.priority == 0 else { continue }
        fixture.id = "f\(fixtures.count)"
        fixture.name = fixture.id
        fixtures.append(fixture)
    }
    return fixtures
}

/// The texts a condition looks for, and the header names and body members it reads, in order.
private func sought(by condition: MatchCondition) -> [String] {
    func named(_ field: MatchField) -> [String] {
        switch field {
        case .header(let name): return [name]
        case .body(let path):
            return path.steps.compactMap { step in
                if case .member(let name) = step { return name }
                return nil
            }
        default: return []
        }
    }
    func value(_ matcher: TextMatcher) -> String {
        switch matcher.kind {
        case .equals(let value), .contains(let value), .fuzzy(let value, _): return value
        case .regex(let pattern), .glob(let pattern): return pattern.source
        }
    }
    switch condition {
    case .text(let field, let matcher): return named(field) + [value(matcher)]
    case .number(.body(let path), _): return named(.body(path))
    case .number: return []
    case .exists(let field): return named(field)
    case .conversation(let flow): return flow.steps.compactMap { $0.content.map(value) }
    case .all(let conditions), .any(let conditions): return conditions.flatMap(sought)
    case .not(let condition): return sought(by: condition)
    case .lua: return []
    }
}

private func describe(_ fixtures: [Fixture]) -> String {
    fixtures.map { "\($0.id): \($0.match.summary)\n" }.joined()
}

private func describe(_ request: CanonicalRequest) -> String {
    var lines = ["model \(request.model.debugDescription), endpoint \(request.operation.debugDescription)"]
    for message in request.messages {
        var line = "\(message.role.rawValue): \(Reference.text(of: message).debugDescription)"
        if let name = message.name { line += " name \(name.debugDescription)" }
        if let id = message.toolCallID { line += " answers \(id.debugDescription)" }
        for call in message.toolCalls { line += " calls \(call.name.debugDescription) as \(call.id.debugDescription)" }
        lines.append(line)
    }
    lines.append("tools \(request.tools.map(\.name)), choice \(request.toolChoice), format \(request.responseFormat)")
    lines.append("headers \(request.headers.map { "\($0.name): \($0.value)" }), body \(request.body.serialized)")
    return lines.joined(separator: "\n")
}

runFuzzer(testOneInput)
