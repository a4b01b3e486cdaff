import LyrebirdPluginAPI
import Testing

@testable import LyrebirdStructuredOutput

@Suite struct SchemaPatternTests {
    /// A budget no ordinary check comes near.
    private let budget = WorkBudget(steps: 0, operations: .max)

    @Test func matchesLikeASearch() throws {
        let cases: [(String, matching: [String], notMatching: [String])] = [
            (#"\d{3}"#, ["a123b", "999"], ["12", "ab"]),
            (#"^\d{3}$"#, ["123"], ["1234", "a123"]),
            (#"^(ab|cd)+e?$"#, ["ab", "abcde", "cdcd"], ["", "abc", "e"]),
            (#"^[a-z_][a-z0-9_]{0,3}$"#, ["_a1", "abcd"], ["1a", "abcde1"]),
            (#"^[^\s,]+$"#, ["a-b"], ["a b", "a,b"]),
            (#"^\w+@\w+\.com$"#, ["ada@example.com"], ["ada@example.org"]),
            (#"^a.c$"#, ["abc", "a-c"], ["a\nc"]),
            (#"^\u0041\x42[\-.]$"#, ["AB-", "AB."], ["AB_"]),
            (#"^(?:x|y)(?<name>z)(?P<other>q)?$"#, ["xz", "yzq"], ["zq"]),
            (#"^a{2,}b*?$"#, ["aa", "aaab"], ["ab"]),
            (#"^[\D]$"#, ["a"], ["1"]),
        ]
        for (source, matching, notMatching) in cases {
            let pattern = try SchemaPattern(source)
            for text in matching { #expect(try pattern.matches(text, budget: budget), "\(source) should match \(text.debugDescription)") }
            for text in notMatching {
                #expect(try !pattern.matches(text, budget: budget), "\(source) should not match \(text.debugDescription)")
            }
        }
    }

    @Test func refusesWhatItDoesNotRead() {
        for source in [#"(?=a)"#, #"(a)\1"#, #"\p{sc=Latin}"#, #"[]a]"#, #"a**"#, #"(a"#, #"a)"#, #"[z-a]"#, #"a{2000}"#, #"(?x)a"#] {
            #expect(throws: PatternError.self, "\(source)") { try SchemaPattern(source) }
        }
    }

    @Test func checksTakeLinearTime() throws {
        // Catastrophic for a backtracking engine.
        let pattern = try SchemaPattern(#"^(a+)+$"#)
        let text = String(repeating: "a", count: 10_000) + "b"
        let start = ContinuousClock.now
        #expect(try !pattern.matches(text, budget: budget))
        #expect(ContinuousClock.now - start < .seconds(2))
    }

    @Test func samplesMatchAndMeetLengths() throws {
        var random = SeededRandom(seed: 3)
        for source in [#"^[A-Z]{2}-\d{3}$"#, #"^(foo|bar)+$"#, #"[0-9a-f]{4}"#, #"^\S+$"#] {
            let pattern = try SchemaPattern(source)
            for _ in 0..<20 {
                let sample = try #require(pattern.sample(&random, minimumLength: 4, maximumLength: 12, budget: budget))
                #expect(try pattern.matches(sample, budget: budget) && (4...12).contains(sample.count), "\(source): \(sample)")
            }
        }
        #expect(try SchemaPattern(#"^\d{3}$"#).sample(&random, minimumLength: 5, maximumLength: nil, budget: budget) == nil)
    }

    @Test func repeatsOfWhatMayBeEmptyStillWriteLongSamples() throws {
        var random = SeededRandom(seed: 5)
        // Nested stars used to loop for the cube of the spare repeats while writing nothing.
        for source in ["^(a*)*$", "^(((a*)*)*)*$", "^((a|)*b?)*$"] {
            let pattern = try SchemaPattern(source)
            for maximum in [10_000, 1_000_000_000] {
                let sample = try #require(
                    pattern.sample(&random, minimumLength: 9_000, maximumLength: maximum, budget: budget), "\(source)")
                #expect(try pattern.matches(sample, budget: budget) && (9_000...maximum).contains(sample.unicodeScalars.count), "\(source)")
            }
        }
    }

    @Test func checksAreChargedForTheStatesTheyFollow() throws {
        // 20 characters that write out to ~19,000 states: a long text of `a` keeps thousands live.
        let large = try SchemaPattern("(?:a{1000}){19}b")
        #expect(large.size > 19_000)
        let measured = WorkBudget(steps: 0, operations: .max)
        #expect(try !large.matches(String(repeating: "a", count: 2_000), budget: measured))
        // Every position starts another thread, so the live states grow with the text.
        #expect(measured.operations > 2_000 * 2_000 / 2)
        let small = WorkBudget(steps: 0, operations: 1_000_000)
        #expect(throws: StructuredOutputError.self) { try large.matches(String(repeating: "a", count: 40_000), budget: small) }
        #expect(small.operations == 1_000_000)
    }

    @Test func anAnchoredPatternStopsWhenNothingIsLive() throws {
        let budget = WorkBudget(steps: 0, operations: .max)
        let name = String(repeating: "a", count: 10_000)
        #expect(try !SchemaPattern("^z1$").matches(name, budget: budget))
        #expect(budget.operations < 20)
    }

    @Test func scratchMemoryIsReusedAcrossChecksWithoutMixingThem() throws {
        let budget = WorkBudget(steps: 0, operations: .max)
        let long = try SchemaPattern(#"^\d{3}-[a-z]+$"#)
        let short = try SchemaPattern("b")
        for _ in 0..<3 {
            #expect(try long.matches("123-abc", budget: budget))
            #expect(try !short.matches("aaa", budget: budget))
            #expect(try !long.matches("123-", budget: budget))
            #expect(try short.matches("ab", budget: budget))
        }
    }

    @Test func samplesAreChargedToo() throws {
        var random = SeededRandom(seed: 7)
        let budget = WorkBudget(steps: 0, operations: 1_000_000)
        let large = try SchemaPattern("(?:a{1000}){19}b")
        #expect(throws: StructuredOutputError.self) {
            try large.sample(&random, minimumLength: 9_000, maximumLength: nil, budget: budget)
        }
    }
}
