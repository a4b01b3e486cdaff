import FuzzSupport

// Testable: the engine, `WorkBudget` and `SeededRandom` are the project's own, not public.
@testable import LyrebirdPluginAPI
@testable import LyrebirdStructuredOutput

/// The pattern engine that fixture regexes and JSON Schema patterns share. The input's first line
/// is a pattern, the rest a text. Parsing and compiling give a program or a refusal with a
/// reason; the program's answer on the text agrees with `EndPositions`, which reads the same
/// parsed pattern by its definition, on short texts; every check, on the text and on a long text
/// made from it, stays within the operations linear in the text that `operationsPerPosition`
/// promises, asserted through `WorkBudget`; a match contains every required literal; and a sample
/// written for the pattern, when there is one, matches it.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = String(decoding: inputBytes(data, size), as: UTF8.self)
    let lines = input.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
    let source = String(lines[0])
    let text = Array((lines.count > 1 ? lines[1] : "").unicodeScalars)
    let node: PatternNode
    let program: PatternProgram
    do {
        node = try PatternParser.parse(source)
        program = try PatternProgram(node)
    } catch {
        require(!error.description.isEmpty, "a refusal without a reason for \(source.debugDescription)")
        return 0
    }

    let matched = check(program, text, source)
    if text.count <= 12 && program.size <= 2_000 {
        let expected = EndPositions(text: text).anyMatch(node)
        require(
            matched == expected,
            "\(source.debugDescription) on \(String(String.UnicodeScalarView(text)).debugDescription): \(matched), by definition \(expected)"
        )
    }
    if matched {
        let lowered = text.map(\.lowercased)
        for literal in node.requiredLiterals() {
            require(
                lowered.contains(Array(literal.unicodeScalars)), "\(source.debugDescription) matched without \(literal.debugDescription)")
        }
    }
    // A long text, as long as keeps one input's work to a few hundred thousand operations.
    let length = min(20_000, 200_000 / program.operationsPerPosition)
    let unit: [Unicode.Scalar] = text.isEmpty ? ["a"] : text
    var long: [Unicode.Scalar] = []
    long.reserveCapacity(length)
    while long.count < length { long += unit.prefix(length - long.count) }
    _ = check(program, long, source)

    if source.unicodeScalars.count <= SchemaPattern.maximumLength, let pattern = try? SchemaPattern(source) {
        var random = SeededRandom(seed: UInt64(size))
        let budget = WorkBudget(steps: 0, operations: 10_000_000)
        if let sample = try? pattern.sample(&random, minimumLength: 0, maximumLength: 64, budget: budget) {
            require(
                program.matches(Array(sample.unicodeScalars)),
                "\(source.debugDescription) wrote \(sample.debugDescription), which it does not match")
        }
    }
    return 0
}

/// Runs `program` on `text` with exactly the operations its linear bound allows.
func check(_ program: PatternProgram, _ text: [Unicode.Scalar], _ source: String) -> Bool {
    let bound = PatternProgram.checkCost + (text.count + 1) * program.operationsPerPosition
    do {
        return try program.matches(text, budget: WorkBudget(steps: 0, operations: bound))
    } catch {
        require(false, "\(source.debugDescription) on \(text.count) characters took more than \(bound) operations: \(error)")
        return false
    }
}

runFuzzer(testOneInput)
