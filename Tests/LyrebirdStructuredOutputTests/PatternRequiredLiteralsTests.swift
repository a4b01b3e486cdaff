import LyrebirdPluginAPI
import Testing

@testable import LyrebirdStructuredOutput

@Suite struct PatternRequiredLiteralsTests {
    private func literals(_ source: String) throws -> [String] {
        try PatternParser.parse(source).requiredLiterals()
    }

    @Test func sequencesJoinTheirLiteralsAndAlternativesShareTheirs() throws {
        let cases: [(String, Set<String>)] = [
            ("hello world", ["hello world"]),
            (#"foo\d+bar"#, ["foo", "bar"]),
            ("(?i)Hello", ["hello"]),
            ("HeLLo", ["hello"]),
            ("É", ["é"]),
            ("cat|dog", []),
            (#"\d+"#, []),
            ("(foo|foobar)x", ["foo", "x"]),
            ("ab+c", ["ab", "bc"]),
            ("(?:ab){3}", ["ababab"]),
            ("(?:ab){2,}c", ["ababc"]),
            ("x{0,3}", []),
            ("a?b", ["b"]),
            (#"^\bfoo$"#, ["foo"]),
            (#"(?m)^error:\s"#, ["error:"]),
            ("(?:error|fail)ure", ["ure"]),
            ("(ab|cb)d", ["bd"]),
            ("(?:pre|pro)fix", ["pr", "fix"]),
            ("[ab]c", ["c"]),
            ("(?:x|x)y", ["xy"]),
            ("(?:foo|xfoox|foo+)!", ["foo", "!"]),
            ("a(?:)b", ["ab"]),
            ("(?:a|)b", ["b"]),
            ("(a|b)*c", ["c"]),
        ]
        for (source, expected) in cases {
            #expect(Set(try literals(source)) == expected, "\(source)")
        }
        #expect(try literals(#"abc\d+abcdef\s+ab"#) == ["abcdef"])
    }

    @Test func theLongestFewAreKeptAndCut() throws {
        let many = try literals(#"one\d+three\d+fifteen\d+seventeen\d+a\d+twentytwo"#)
        #expect(Set(many.prefix(2)) == ["seventeen", "twentytwo"] && many.dropFirst(2) == ["fifteen", "three"], "\(many)")
        let long = try literals(String(repeating: "a", count: 100))
        #expect(long == [String(repeating: "a", count: PatternNode.longestRequiredLiteral)])
        #expect(try literals("(?:abc){1000}").first?.count == PatternNode.longestRequiredLiteral)
    }

    /// Every literal is in every lower-cased text the pattern matches: checked over all short
    /// texts for patterns put together from pieces.
    @Test func everyLiteralIsInEveryMatch() throws {
        let pieces = ["a", "b", "ab", "(a|b)", "a*", "b+", "(?i:A)", "[ab]", #"\b"#, " ", "(ab|cb)", "a{2}", "(?:ab){1,}", "(?:ba)?", "B"]
        var texts = [""]
        for _ in 0..<4 {
            texts += texts.filter { $0.count == texts.last!.count }.flatMap { text in ["a", "b", "A", " "].map { text + $0 } }
        }
        var random = SeededRandom(seed: 1)
        for _ in 0..<150 {
            let source = (0..<(1 + random.index(below: 4))).map { _ in random.element(of: pieces) }.joined()
            let node = try PatternParser.parse(source)
            let program = try PatternProgram(node)
            let required = node.requiredLiterals()
            for text in texts where program.matches(Array(text.unicodeScalars)) {
                let lowered = String(String.UnicodeScalarView(text.unicodeScalars.map(\.lowercased)))
                for literal in required {
                    #expect(lowered.contains(literal), "\(source) matches \(text.debugDescription) without \(literal)")
                }
            }
        }
    }
}
