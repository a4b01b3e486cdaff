import LyrebirdHost
import LyrebirdPluginAPI
import Testing

@Suite struct FixtureMatchingTests {
    private func request(user: String, system: String? = nil, model: String = "gpt-4o") -> CanonicalRequest {
        var messages: [Message] = []
        if let system { messages.append(Message(role: .system, text: system)) }
        messages.append(Message(role: .user, text: "earlier turn"))
        messages.append(Message(role: .assistant, text: "reply"))
        messages.append(Message(role: .user, text: user))
        return CanonicalRequest(operation: "chat.completions", model: model, messages: messages)
    }

    @Test func textMatcherKinds() throws {
        #expect(TextMatcher(.equals("Hello")).matches("Hello"))
        #expect(!TextMatcher(.equals("Hello")).matches("hello"))
        #expect(TextMatcher(.contains("HELLO")).matches("well, hello there"))
        #expect(TextMatcher(.regex(try CompiledPattern(regex: "weather in (\\w+)"))).matches("what is the weather in Paris"))
        #expect(!TextMatcher(.regex(try CompiledPattern(regex: "^weather"))).matches("the weather"))
        #expect(TextMatcher(.glob(CompiledPattern(glob: "gpt-4o*"))).matches("gpt-4o-mini"))
        #expect(!TextMatcher(.glob(CompiledPattern(glob: "gpt-4o*"))).matches("my-gpt-4o"))
        #expect(TextMatcher(.glob(CompiledPattern(glob: "a?c.d"))).matches("abc.d"))
        #expect(!TextMatcher(.glob(CompiledPattern(glob: "a?c.d"))).matches("abcxd"))
        #expect(TextMatcher(.fuzzy("good morning", threshold: 0.8)).matches("Good mornin"))
        #expect(!TextMatcher(.fuzzy("good morning", threshold: 0.8)).matches("good night"))
    }

    @Test func invalidRegexIsRejectedAtCompileTime() {
        #expect(throws: (any Error).self) { try CompiledPattern(regex: "(unclosed") }
    }

    /// Whether `glob` matches all of `text`, by trying every split: the definition the linear
    /// matcher must agree with.
    private func referenceGlob(_ glob: Substring, _ text: Substring) -> Bool {
        guard let first = glob.first else { return text.isEmpty }
        switch first {
        case "*": return text.indices.contains { referenceGlob(glob.dropFirst(), text[$0...]) } || referenceGlob(glob.dropFirst(), "")
        case "?": return !text.isEmpty && referenceGlob(glob.dropFirst(), text.dropFirst())
        default: return text.first?.lowercased() == first.lowercased() && referenceGlob(glob.dropFirst(), text.dropFirst())
        }
    }

    @Test func globsAgreeWithTryingEverySplit() {
        var texts = [""]
        for _ in 0..<4 { texts += texts.flatMap { text in ["a", "B"].map { text + $0 } } }
        var globs = [""]
        for _ in 0..<4 { globs += globs.flatMap { glob in ["a", "b", "*", "?"].map { glob + $0 } } }
        for glob in Set(globs) {
            let pattern = CompiledPattern(glob: glob)
            for text in Set(texts) {
                #expect(pattern.matches(text) == referenceGlob(glob[...], text[...]), "glob \(glob) text \(text)")
            }
        }
        // Each `*` could start at any of many places; a backtracking engine tried them all.
        let hostile = String(repeating: "error ", count: 20_000)
        #expect(!CompiledPattern(glob: "*error*retry*").matches(hostile))
        #expect(CompiledPattern(glob: "*ERROR*retry*").matches(hostile + "Retry now"))
        #expect(CompiledPattern(glob: "caf?").matches("CAFÉ"))
    }

    @Test func regexesRunWithoutBacktrackingAndIgnoreCaseWhenAsked() throws {
        #expect(try CompiledPattern(regex: "(?i)pirate").matches("Talk like a PIRATE"))
        #expect(try !CompiledPattern(regex: "pirate").matches("Talk like a PIRATE"))
        #expect(try CompiledPattern(regex: "(?i)^[A-C]+x$").matches("abCX"))
        #expect(try CompiledPattern(regex: "(?i)(name|remember)").matches("What is my NAME?"))
        #expect(try CompiledPattern(regex: "\\d{3}-\\d{4}").matches("call 555-1234 now"))
        // Flags anywhere, word boundaries and general categories.
        #expect(try CompiledPattern(regex: "hello (?i)WORLD").matches("hello world"))
        #expect(try !CompiledPattern(regex: "hello (?i)WORLD").matches("HELLO world"))
        #expect(try CompiledPattern(regex: "(?m)^ok$").matches("first\nok\nlast"))
        #expect(try CompiledPattern(regex: "\\bcat\\b").matches("the cat sat"))
        #expect(try !CompiledPattern(regex: "\\bcat\\b").matches("concatenate"))
        #expect(try CompiledPattern(regex: "^\\p{Lu}\\p{L}+$").matches("École"))
        // Nested repeats that a backtracking engine tries in exponentially many ways.
        let hostile = String(repeating: "a", count: 20_000)
        #expect(try !CompiledPattern(regex: "(a+)+b").matches(hostile))
        #expect(try CompiledPattern(regex: "(a+)+b").matches(hostile + "b"))
        #expect(try !CompiledPattern(regex: ".*error.*retry").matches(String(repeating: "error ", count: 20_000)))
    }

    @Test func regexFeaturesThatNeedBacktrackingAreRefused() {
        for pattern in ["(a)\\1", "(?=a)", "(?<!a)b", "\\p{Script=Latin}", "(unclosed"] {
            #expect(throws: (any Error).self, "\(pattern)") { try CompiledPattern(regex: pattern) }
        }
    }

    @Test func fuzzySimilarityBounds() {
        #expect(FuzzySimilarity.ratio("abc", "abc") == 1)
        #expect(FuzzySimilarity.ratio("", "") == 1)
        #expect(FuzzySimilarity.ratio("abc", "xyz") == 0)
        #expect(abs(FuzzySimilarity.ratio("kitten", "sitting") - (1 - 3.0 / 7)) < 1e-9)
    }

    /// Levenshtein distance over whole texts, the definition fuzzy matching must agree with.
    private func referenceRatio(_ lhs: String, _ rhs: String) -> Double {
        func normalized(_ text: String) -> [Character] {
            Array(text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " "))
        }
        let left = normalized(lhs)
        let right = normalized(rhs)
        guard max(left.count, right.count) > 0 else { return 1 }
        var previous = Array(0...right.count)
        for i in left.indices {
            var current = [i + 1]
            for j in right.indices {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (left[i] == right[j] ? 0 : 1)))
            }
            previous = current
        }
        return 1 - Double(previous[right.count]) / Double(max(left.count, right.count))
    }

    @Test func fuzzyMatchingAgreesWithTheFullDistanceAtEveryThreshold() {
        var texts = [""]
        for _ in 0..<4 { texts += texts.flatMap { text in ["a", "B", " "].map { text + $0 } } }
        texts = Array(Set(texts)).sorted()
        let thresholds = [0, 0.2, 0.5, 0.6, 0.75, 0.8, 1]
        for value in texts where value.count <= 3 {
            for text in texts {
                let ratio = referenceRatio(text, value)
                #expect(FuzzySimilarity.ratio(text, value) == ratio)
                for threshold in thresholds {
                    #expect(TextMatcher(.fuzzy(value, threshold: threshold)).matches(text) == (ratio >= threshold))
                }
            }
        }
        // Through a store, which normalises the request text once for every fixture.
        let store = FixtureStore(
            thresholds.map { threshold in
                Fixture(
                    name: "\(threshold)", match: .user(TextMatcher(.fuzzy("good morning", threshold: threshold))),
                    reply: .message(StaticReply(content: "")))
            }.reversed())
        #expect(store.firstMatch(for: request(user: "Good   mornin"))?.id == "0.8")
        #expect(store.firstMatch(for: request(user: String(repeating: "good morning ", count: 1_000)))?.id == "0.0")
    }

    @Test func conditionsSeeOnlyTheLastUserMessageAndSystemText() {
        let condition = MatchCondition.all([
            .user(TextMatcher(.contains("bye"))),
            .system(TextMatcher(.contains("polite"))),
            .not(.model(TextMatcher(.equals("gpt-3.5")))),
        ])
        #expect(condition.matches(request(user: "ok bye", system: "Be polite.")))
        #expect(!condition.matches(request(user: "earlier turn", system: "Be polite.")))
        #expect(!condition.matches(request(user: "ok bye", system: "Be polite.", model: "gpt-3.5")))
        #expect(!condition.matches(request(user: "ok bye")))
    }

    @Test func firstMatchWinsAndPriorityComesFirst() {
        let store = FixtureStore([
            Fixture(name: "first", match: .user(TextMatcher(.contains("a"))), reply: .message(StaticReply(content: "1"))),
            Fixture(name: "second", match: .user(TextMatcher(.contains("a"))), reply: .message(StaticReply(content: "2"))),
        ])
        #expect(store.firstMatch(for: request(user: "a"))?.id == "first")
        store.add(Fixture(name: "urgent", match: .always, reply: .message(StaticReply(content: "!")), priority: 5))
        #expect(store.firstMatch(for: request(user: "a"))?.id == "urgent")
        #expect(store.all.map(\.id) == ["urgent", "first", "second"])
        #expect(store.remove(id: "urgent"))
        #expect(!store.remove(id: "urgent"))
    }

    @Test func duplicateAndMissingIdsAreMadeUnique() {
        let store = FixtureStore()
        let first = store.add(Fixture(name: "same", reply: .message(StaticReply(content: "1"))))
        let second = store.add(Fixture(name: "same", reply: .message(StaticReply(content: "2"))))
        let unnamed = store.add(Fixture(reply: .message(StaticReply(content: "3"))))
        #expect(first == "same")
        #expect(second != first && second.hasPrefix("same-"))
        #expect(unnamed.hasPrefix("fixture-"))
    }

    @Test func nearMissesAreRankedAndExplained() {
        let store = FixtureStore([
            Fixture(name: "far", match: .user(TextMatcher(.equals("completely different"))), reply: .message(StaticReply(content: "x"))),
            Fixture(name: "close", match: .user(TextMatcher(.contains("hello world"))), reply: .message(StaticReply(content: "y"))),
        ])
        let misses = store.nearMisses(for: request(user: "hello wrld"))
        #expect(misses.first?.fixture.id == "close")
        #expect(misses.first?.reasons == ["user \"hello wrld\" does not satisfy: contains \"hello world\""])
    }

    @Test func nearMissesOfALongRequestAreRankedByItsStart() {
        let store = FixtureStore([
            Fixture(
                name: "bs", match: .user(TextMatcher(.equals(String(repeating: "b", count: 2_000)))),
                reply: .message(StaticReply(content: ""))),
            Fixture(
                name: "as", match: .user(TextMatcher(.contains(String(repeating: "a", count: 1_000) + "c"))),
                reply: .message(StaticReply(content: ""))),
            Fixture(
                name: "fuzzy", match: .all([.user(TextMatcher(.fuzzy("b", threshold: 0.9))), .not(.user(TextMatcher(.contains("x"))))]),
                reply: .message(StaticReply(content: ""))),
        ])
        let text = String(repeating: "a", count: 1_000) + String(repeating: "b", count: 1_000)
        let misses = store.nearMisses(for: request(user: text))
        // Only the first 1,000 characters of each side count toward closeness: there "as" has its
        // value exactly, and "fuzzy" passes half its conditions.
        #expect(misses.map(\.fixture.id) == ["as", "fuzzy", "bs"])
        let shown = String(repeating: "a", count: 57) + "..."
        #expect(
            misses[0].reasons == ["user \(shown.debugDescription) does not satisfy: contains \"\(String(repeating: "a", count: 1_000))c\""])
        #expect(misses[1].reasons == ["user \(shown.debugDescription) does not satisfy: is at least 90% similar to \"b\""])
    }

    @Test func containsFindsOverlappingNeedlesAmongMany() {
        // Needles that share prefixes and suffixes ("he" inside "she", "hers" overlapping "his")
        // must each be found, whatever fixtures sit around them.
        var fixtures = (0..<200).map { number in
            Fixture(
                name: "filler-\(number)", match: .user(TextMatcher(.contains("filler phrase \(number)!"))),
                reply: .message(StaticReply(content: "f")))
        }
        for needle in ["hers", "his", "she", "he"] {
            fixtures.append(
                Fixture(name: needle, match: .user(TextMatcher(.contains(needle))), reply: .message(StaticReply(content: needle))))
        }
        let store = FixtureStore(fixtures)
        #expect(store.firstMatch(for: request(user: "USHERS"))?.id == "hers")
        #expect(store.firstMatch(for: request(user: "this"))?.id == "his")
        #expect(store.firstMatch(for: request(user: "ashe"))?.id == "she")
        #expect(store.firstMatch(for: request(user: "the"))?.id == "he")
        #expect(store.firstMatch(for: request(user: "xyz")) == nil)
        #expect(store.firstMatch(for: request(user: "a filler phrase 137!"))?.id == "filler-137")
        #expect(store.firstMatch(for: request(user: "a filler phrase 13")) == nil)
    }

    @Test func nestedContainsNeedlesAreEachFoundWhereverTheyOccur() {
        let needles = ["a", "aa", "aaa", "aaaa", "ab", "b", "bab", "ca", "abab"]
        var texts = [""]
        for _ in 0..<4 { texts += texts.flatMap { text in ["a", "b", "C"].map { text + $0 } } }
        for target in needles {
            // The target first, every needle in the same index behind it.
            let store = FixtureStore(
                [Fixture(name: "target", match: .user(TextMatcher(.contains(target))), reply: .message(StaticReply(content: "")))]
                    + needles.map { Fixture(name: $0, match: .user(TextMatcher(.contains($0))), reply: .message(StaticReply(content: ""))) }
            )
            for text in Set(texts) {
                let found = store.firstMatch(for: request(user: text))?.id == "target"
                #expect(found == text.lowercased().contains(target), "\(target) in \(text)")
            }
        }
    }

    @Test func containsIgnoresCaseBeyondASCIIAndEqualsDoesNot() {
        let store = FixtureStore([
            Fixture(name: "exact", match: .user(TextMatcher(.equals("Crème Brûlée"))), reply: .message(StaticReply(content: "1"))),
            Fixture(name: "school", match: .user(TextMatcher(.contains("ÉCOLE"))), reply: .message(StaticReply(content: "2"))),
            Fixture(name: "empty", match: .system(TextMatcher(.contains(""))), reply: .message(StaticReply(content: "3"))),
        ])
        #expect(store.firstMatch(for: request(user: "Crème Brûlée"))?.id == "exact")
        #expect(store.firstMatch(for: request(user: "crème brûlée"))?.id == "empty")
        #expect(store.firstMatch(for: request(user: "à l'école demain"))?.id == "school")
        #expect(TextMatcher(.contains("ÉCOLE")).matches("L'École"))
        #expect(!TextMatcher(.contains("école")).matches("ecole"))
    }

    @Test func fixturesAddedAndRemovedAtRunTimeAreMatched() {
        let store = FixtureStore([
            Fixture(name: "a", match: .user(TextMatcher(.contains("alpha"))), reply: .message(StaticReply(content: "a")))
        ])
        #expect(store.firstMatch(for: request(user: "beta")) == nil)
        store.add(Fixture(name: "b", match: .user(TextMatcher(.contains("beta"))), reply: .message(StaticReply(content: "b"))))
        #expect(store.firstMatch(for: request(user: "beta"))?.id == "b")
        store.remove(id: "b")
        #expect(store.firstMatch(for: request(user: "beta")) == nil)
        #expect(store.firstMatch(for: request(user: "alpha"))?.id == "a")
    }
}
