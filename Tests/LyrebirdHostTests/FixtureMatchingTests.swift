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
        #expect(TextMatcher(.glob(try CompiledPattern(glob: "gpt-4o*"))).matches("gpt-4o-mini"))
        #expect(!TextMatcher(.glob(try CompiledPattern(glob: "gpt-4o*"))).matches("my-gpt-4o"))
        #expect(TextMatcher(.glob(try CompiledPattern(glob: "a?c.d"))).matches("abc.d"))
        #expect(!TextMatcher(.glob(try CompiledPattern(glob: "a?c.d"))).matches("abcxd"))
        #expect(TextMatcher(.fuzzy("good morning", threshold: 0.8)).matches("Good mornin"))
        #expect(!TextMatcher(.fuzzy("good morning", threshold: 0.8)).matches("good night"))
    }

    @Test func invalidRegexIsRejectedAtCompileTime() {
        #expect(throws: (any Error).self) { try CompiledPattern(regex: "(unclosed") }
    }

    @Test func fuzzySimilarityBounds() {
        #expect(FuzzySimilarity.ratio("abc", "abc") == 1)
        #expect(FuzzySimilarity.ratio("", "") == 1)
        #expect(FuzzySimilarity.ratio("abc", "xyz") == 0)
        #expect(abs(FuzzySimilarity.ratio("kitten", "sitting") - (1 - 3.0 / 7)) < 1e-9)
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
