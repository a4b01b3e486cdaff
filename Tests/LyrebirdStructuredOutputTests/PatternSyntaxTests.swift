import LyrebirdPluginAPI
import Testing

@testable import LyrebirdStructuredOutput

/// Word boundaries, Unicode general categories and inline flags, matched and not; what is refused
/// and why; and matching that stays linear with them.
@Suite struct PatternSyntaxTests {
    private func matches(_ source: String, _ text: String) throws -> Bool {
        try PatternProgram(PatternParser.parse(source)).matches(Array(text.unicodeScalars))
    }

    private func check(_ cases: [(String, matching: [String], notMatching: [String])]) throws {
        for (source, matching, notMatching) in cases {
            for text in matching { #expect(try matches(source, text), "\(source) should match \(text.debugDescription)") }
            for text in notMatching { #expect(try !matches(source, text), "\(source) should not match \(text.debugDescription)") }
        }
    }

    @Test func wordBoundariesLookAtASCIIWordCharacters() throws {
        try check([
            (#"\bcat\b"#, ["cat", "a cat.", "(cat)", "cat\n"], ["concat", "cats", "cat_", "cat1"]),
            (#"\Bcat\B"#, ["concatenate", "_cat_"], ["cat", "a cat", "cats"]),
            (#"\b"#, ["a", " a", "_"], ["", " ", "-!"]),
            (#"^\B$"#, [""], ["a"]),
            (#"\B"#, ["", " ", "ab"], ["a"]),
            (#"\b\d+\b"#, ["abc 123 def", "7"], ["abc123", "123x"]),
            // Word characters are ASCII's: a letter with an accent is not one.
            (#"\bé"#, ["aé"], ["é", " é"]),
            (#"é\b"#, ["éa"], ["é", "é "]),
            // Inside a class `\b` is a backspace.
            (#"^[\b]$"#, ["\u{08}"], ["b", ""]),
            (#"^x\b\s*\b\w"#, ["x y", "x  z"], ["xy", "x ,"]),
        ])
    }

    @Test func unicodeGeneralCategories() throws {
        try check([
            (#"^\p{L}+$"#, ["héllo", "Ωμέγα", "日本", "ǅ"], ["abc1", "a b", ""]),
            (#"^\p{Lu}"#, ["Éa", "Ω"], ["éa", "1"]),
            (#"^\p{Ll}$"#, ["é", "ω"], ["É", "ǅ"]),
            (#"^\p{Lt}$"#, ["ǅ"], ["Ǆ", "ǆ"]),
            (#"^\p{Lm}$"#, ["ʰ"], ["h"]),
            (#"^\p{Lo}$"#, ["日", "א"], ["a"]),
            (#"^\p{N}+$"#, ["12", "½", "٣", "Ⅻ"], ["1a"]),
            (#"^\p{Nd}$"#, ["٣", "7"], ["½", "Ⅻ"]),
            (#"^\p{Nl}$"#, ["Ⅻ"], ["1"]),
            (#"^\p{No}$"#, ["½", "²"], ["2"]),
            (#"^\p{P}+$"#, ["¿!-()«»_"], ["+"]),
            (#"^\p{Pc}\p{Pd}\p{Ps}\p{Pe}\p{Pi}\p{Pf}\p{Po}$"#, ["_—()«»!"], ["_-()«»+"]),
            (#"^\p{S}+$"#, ["€+^©"], ["!"]),
            (#"^\p{Sc}\p{Sm}\p{Sk}\p{So}$"#, ["€+^©"], ["€+^!"]),
            (#"^\p{Z}+$"#, [" \u{3000}\u{2028}\u{2029}"], ["\t"]),
            (#"^\p{Zs}\p{Zl}\p{Zp}$"#, [" \u{2028}\u{2029}"], ["\u{2028}\u{2028}\u{2029}"]),
            (#"^\p{C}+$"#, ["\u{00}\u{200B}\u{E000}\u{0378}"], ["a"]),
            (#"^\p{Cc}\p{Cf}\p{Co}\p{Cn}$"#, ["\n\u{200D}\u{E000}\u{0378}"], ["\n\n\u{E000}\u{0378}"]),
            (#"^e\p{M}+$"#, ["e\u{301}", "e\u{903}", "e\u{20DD}"], ["e"]),
            (#"^\p{Mn}\p{Mc}\p{Me}$"#, ["\u{301}\u{903}\u{20DD}"], ["\u{903}\u{903}\u{20DD}"]),
            // Long names, loosely, and the `gc=` forms.
            (#"^\p{Letter}\p{Uppercase_Letter}\p{lowercase letter}\p{Number}\p{decimal-number}$"#, ["aBc1٣"], ["aBC1٣"]),
            (#"^\p{Punctuation}\p{Symbol}\p{Separator}\p{Mark}\p{Other}$"#, ["!+ \u{301}\u{0}"], ["!+ a\u{0}"]),
            (#"^\p{gc=Lu}\p{General_Category=Letter}\p{GC=Nd}$"#, ["Ab1"], ["ab1"]),
            (#"^\p{LC}\p{Cased_Letter}$"#, ["aǅ"], ["a日"]),
            // Negations, and categories inside classes.
            (#"^\P{L}+$"#, ["1 !"], ["1a"]),
            (#"^[\p{L}\d_]+$"#, ["héllo_1"], ["a-b", "١"]),
            (#"^[^\p{N}]+$"#, ["abc"], ["a1", "½"]),
            (#"^[\P{L}a]+$"#, ["1a!"], ["b"]),
            (#"^[^\P{Lu}]$"#, ["É"], ["é", "1"]),
            // Surrogates are not characters: nothing is in Cs.
            (#"\p{Cs}"#, [], ["\u{FFFD}", "a"]),
        ])
    }

    @Test func inlineFlagsApplyToTheRestOfTheirGroup() throws {
        try check([
            ("(?i)abc", ["ABC", "aBc"], ["AB"]),
            ("a(?i)bc", ["aBC"], ["ABC"]),
            ("(?i:b)c", ["Bc"], ["BC"]),
            ("(?i)a(?-i)b", ["Ab"], ["AB"]),
            ("(?i)(?-i:a)b", ["aB"], ["AB"]),
            ("(a(?i)b)c", ["aBc"], ["aBC"]),
            // Flags set in one branch stay set in the next, until the group ends.
            ("^(?:x(?i)y|z)$", ["Z", "xY"], ["X"]),
            ("(?i)[^a]", ["b", "B"], ["a", "A"]),
            ("(?i)^[a-c]+$", ["ABC", "cab"], ["abd"]),
            ("(?i)^[A-C]+x$", ["abCX"], ["abdx"]),
            ("(?i)é", ["É"], ["e"]),
            ("(?i)Σ", ["σ", "Σ"], ["s"]),
            (#"(?i)\p{Lu}"#, ["a", "A"], ["1"]),
            // `.` takes a line terminator only under `s`.
            ("a.b", ["a b"], ["a\nb", "a\rb", "a\u{2028}b"]),
            ("(?s)a.b", ["a\nb", "a\rb", "a b"], ["ab"]),
            ("(?s:a.)b.", ["a\nbx"], ["a\nb\n"]),
            ("(?s)a.(?-s)b.", ["a\nbc"], ["a\nb\n"]),
            // `^` and `$` match at every line's ends under `m`, after or before \n, \r, U+2028, U+2029.
            ("^b", ["b"], ["a\nb"]),
            ("(?m)^b", ["a\nb", "a\rb", "a\u{2028}b", "b"], ["ab"]),
            ("a$", ["a"], ["a\nb", "a\n"]),
            ("(?m)a$", ["a\nb", "a", "a\r\n"], ["ab"]),
            ("(?m)^$", ["a\n\nb", "", "a\n"], ["a"]),
            ("(?im)^ABC$", ["x\nabc\ny"], ["x\nabcd"]),
            ("(?m:^a)$", ["a"], ["a\nb", "ba"]),
            ("(?i-s:A.)", ["ab"], ["a\n"]),
        ])
    }

    @Test func refusesWhatItCannotRunAndSaysWhy() {
        let refusals: [(String, String)] = [
            (#"(a)\1"#, "back-references"), (#"(?<n>a)\k<n>"#, "back-references"), ("(?P<n>a)(?P=n)", "back-references"),
            ("(?=a)", "look-ahead"), ("a(?!b)", "look-ahead"), ("(?<=a)b", "look-behind"), ("(?<!a)b", "look-behind"),
            (#"[\1]"#, "octal"), (#"\01"#, "octal"),
            (#"\p{Script=Latin}"#, "scripts"), (#"\p{sc=Greek}"#, "scripts"), (#"\p{Latin}"#, "not a general category"),
            (#"\p{Foo}"#, "not a general category"), (#"\p{Alphabetic=Yes}"#, "only general categories"),
            (#"\pL"#, "in braces"), (#"\p{L"#, "not closed"), (#"\p{}"#, "names no property"), (#"[a-\p{L}]"#, "class escape"),
            ("(?x)a", "inline flag x"), ("(?u)a", "inline flag u"), ("(?i-i)a", "both on and off"), ("(?)a", "names no flag"),
            ("(?-)a", "names no flag"), ("(?i", "not closed"), ("(?#note)a", "(?#...) groups"), ("(?>a)", "(?>...) groups"),
            ("(?i)*a", "nothing to repeat"), ("(?--i)a", "more than one -"),
            (#"\b+"#, "cannot be repeated"), ("^*", "cannot be repeated"), (#"a\B{2}"#, "cannot be repeated"),
        ]
        for (source, reason) in refusals {
            do {
                _ = try PatternParser.parse(source)
                Issue.record("\(source) should be refused")
            } catch {
                #expect(error.description.contains(reason), "\(source): \(error.description)")
            }
        }
        // What needs backtracking says so.
        for source in [#"(a)\1"#, "(?=a)", "(?<!a)b"] {
            #expect(throws: PatternError.self) { try PatternParser.parse(source) }
            do { _ = try PatternParser.parse(source) } catch { #expect(error.description.contains("backtracking engine"), "\(source)") }
        }
    }

    @Test func pathologicalPatternsStayLinear() throws {
        // Each of these makes a backtracking engine try exponentially many ways. The results are
        // asserted, and the work charged against the bound linear in the text, never a time.
        let words = String(repeating: "word ", count: 20_000)
        let run = String(repeating: "a", count: 100_000)
        let lines = String(repeating: "aaaa\n", count: 20_000)
        let cases: [(String, String, Bool)] = [
            (#"(\b\w+\b\s*)*$"#, words, true), (#"^(\b\w+\b\s*)*$"#, words + "!", false), (#"^(\b\w+\b\s*)*$"#, words, true),
            ("(?i)(a|aa)*b", run, false), ("(?i)(a|aa)*b", run + "B", true), ("(?m)^(a|a?)+$x", lines, false),
            (#"(?m)^(\p{L}|\p{Ll}?)+$"#, lines, true), (#"(?s)^(.|\p{L})*\b!"#, run + " !", false),
        ]
        for (source, text, expected) in cases {
            let program = try PatternProgram(PatternParser.parse(source))
            let scalars = Array(text.unicodeScalars)
            let budget = WorkBudget(steps: 0, operations: .max)
            #expect(try program.matches(scalars, budget: budget) == expected, "\(source)")
            #expect(budget.operations <= PatternProgram.checkCost + (scalars.count + 1) * program.operationsPerPosition, "\(source)")
        }
    }

    @Test func assertionsAreChargedLikeOtherStates() throws {
        let budget = WorkBudget(steps: 0, operations: 100_000)
        let pattern = try SchemaPattern(#"\b\w+\b$"#)
        #expect(throws: StructuredOutputError.self) { try pattern.matches(String(repeating: "ab ", count: 50_000), budget: budget) }
    }

    @Test func samplesMeetTheNewConstructs() throws {
        var random = SeededRandom(seed: 11)
        let budget = WorkBudget(steps: 0, operations: .max)
        let sources = [
            #"^\p{Lu}\p{Ll}+$"#, #"^[\p{L}\d_]{3,8}$"#, #"^\P{L}+$"#, #"\bid\b"#, #"\Bing\b"#, #"^\w+\b-\b\w+$"#,
            #"(?i)^hello\b"#, #"(?m)^a$\n^b$"#, #"(?m)^\d+$"#, #"(?s)^a.b$"#, #"^\p{Sc}\d+$"#, #"^\p{Zl}\p{Mn}\p{Co}$"#,
            #"[^\p{L}\p{N}\p{P}\p{S}\p{Z}\x00-\x7F]"#,
        ]
        for source in sources {
            let pattern = try SchemaPattern(source)
            for _ in 0..<10 {
                let sample = try #require(pattern.sample(&random, minimumLength: 1, maximumLength: 40, budget: budget), "\(source)")
                #expect(try pattern.matches(sample, budget: budget), "\(source): \(sample.debugDescription)")
            }
        }
        // Padded with spaces when letters would break a word boundary.
        let padded = try #require(try SchemaPattern(#"\bid\b"#).sample(&random, minimumLength: 10, maximumLength: 10, budget: budget))
        #expect(padded.unicodeScalars.count == 10)
        #expect(try SchemaPattern(#"\p{Cs}"#).sample(&random, minimumLength: 0, maximumLength: 5, budget: budget) == nil)
    }
}
