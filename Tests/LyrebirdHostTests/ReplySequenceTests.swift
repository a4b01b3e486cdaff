import Foundation
import Logging
import LyrebirdPluginAPI
import Testing

@testable import LyrebirdHost

/// Replies served in turn, counted per context; hit counts; misses explained; fixtures that
/// never answer.
@Suite struct ReplySequenceTests {
    private func request(_ user: String, context: String? = nil) -> CanonicalRequest {
        CanonicalRequest(
            operation: "chat.completions", model: "gpt-4o", messages: [Message(role: .user, text: user)],
            headers: context.map { [Header(name: "x-lyrebird-context", value: $0)] } ?? [])
    }

    /// The content of the reply `store` chooses for `request`, or the id of the fixture when
    /// its reply is not text, or `nil` when none matches.
    private func answer(_ store: FixtureStore, _ request: CanonicalRequest) async throws -> String? {
        let snapshot = store.snapshot
        let subject = MatchSubject(request, indexes: snapshot.indexes, cancellation: nil)
        let choice = try await store.choose(in: snapshot, context: request.contextID) { (snapshot.firstPassing(subject, from: $0), []) }
        guard let match = choice.match else { return nil }
        if case .message(let reply) = match.reply { return reply.content }
        return match.entry.fixture.id
    }

    private func store(_ yaml: String, contextLimit: Int = 100) throws -> FixtureStore {
        let configuration = try HostConfiguration(yaml: yaml)
        let hostStore = try HostStore(.memory, retention: JournalRetention(), contextLimit: contextLimit, logger: Logger(label: "test"))
        return FixtureStore(configuration.fixtures, scripts: nil, streamChunkCharacters: 16, store: hostStore)
    }

    @Test func stepsTakeTheirTurnsThenEachEndPolicy() {
        let steps = [
            ReplySequence.Step(.message(StaticReply(content: "a")), times: 2), ReplySequence.Step(.message(StaticReply(content: "b"))),
        ]
        let repeating = ReplySequence(steps)
        #expect((0..<6).map { repeating.step(forTurn: $0) } == [0, 0, 1, 1, 1, 1])
        let cycling = ReplySequence(steps, afterLast: .cycle)
        #expect((0..<7).map { cycling.step(forTurn: $0) } == [0, 0, 1, 0, 0, 1, 0])
        let falling = ReplySequence(steps, afterLast: .fallThrough)
        #expect((0..<5).map { falling.step(forTurn: $0) } == [0, 0, 1, nil, nil])
    }

    @Test func contextsCountApartAndFallThroughReachesTheNextFixture() async throws {
        let store = try store(
            """
            fixtures:
              - name: titles
                match: {user: title}
                replies: [{content: first}, {content: second, times: 2}]
                after_last: fall_through
              - name: fallback
                match: {user: title}
                reply: {content: fallback}
            """)
        var one: [String?] = []
        for _ in 0..<5 { one.append(try await answer(store, request("title", context: "one"))) }
        #expect(one == ["first", "second", "second", "fallback", "fallback"])
        // Another context starts at the beginning, whatever the first one did.
        #expect(try await answer(store, request("title", context: "two")) == "first")
        #expect(try await store.hits(of: "titles").total == 4)
        #expect(try await store.hits(of: "titles").contexts == ["one": 3, "two": 1])
        #expect(try await store.hits(of: "fallback").total == 2)
        #expect(try await store.resetSequences(context: "one") == 1)
        #expect(try await answer(store, request("title", context: "one")) == "first")
        #expect(try await answer(store, request("title", context: "two")) == "second")
        #expect(try await store.resetSequences() == 2)
        #expect(try await answer(store, request("title", context: "two")) == "first")
    }

    @Test func parallelRequestsOfOneContextEachGetTheirOwnTurn() async throws {
        let store = try store(
            """
            fixtures:
              - match: {user: count}
                replies: [{content: "1"}, {content: "2"}, {content: "3"}, {content: "4"}, {content: "5"}, {content: "6"}, {content: "7"}, {content: "8"}]
                after_last: fall_through
            """)
        let answers = await withTaskGroup(of: [String?].self) { group in
            for context in ["a", "b"] {
                for _ in 0..<4 {
                    group.addTask {
                        var answers: [String?] = []
                        for _ in 0..<2 { answers.append(try? await answer(store, request("count", context: context))) }
                        return answers
                    }
                }
            }
            return await group.reduce(into: []) { $0 += $1 }
        }
        // Each context's eight turns went to eight requests, none twice.
        #expect(answers.compactMap { $0 }.sorted() == (1...8).flatMap { ["\($0)", "\($0)"] }.sorted())
        #expect(try await answer(store, request("count", context: "a")) == nil)
    }

    @Test func theContextMetLongestAgoIsForgottenPastTheLimit() async throws {
        let store = try store(
            """
            fixtures:
              - match: {user: go}
                replies: [{content: first}, {content: again}]
            """, contextLimit: 3)
        for context in ["a", "b", "c"] { _ = try await answer(store, request("go", context: context)) }
        #expect(try await answer(store, request("go", context: "a")) == "again")
        _ = try await answer(store, request("go", context: "d"))
        // The store keeps the contexts within bounds when it writes the hits counted since.
        await store.store.writer.flush()
        // "a" was met first: "d" took its place, and its sequence starts again.
        #expect(try await answer(store, request("go", context: "a")) == "first")
        #expect(try await store.hits(of: "fixture-1").contexts.count == 3)
        // A client inventing a context per request never holds more than the limit.
        for number in 0..<1000 { _ = try await answer(store, request("go", context: "x\(number)")) }
        await store.store.writer.flush()
        #expect(try await store.hits(of: "fixture-1").contexts.count == 3)
        #expect(try await store.hits(of: "fixture-1").total == 1006)
    }

    @Test func neverHitFixturesAreListed() async throws {
        let store = try store(
            """
            fixtures:
              - {name: used, match: {user: hi}, reply: {content: hello}}
              - {name: unused, match: {user: bye}, reply: {content: goodbye}}
            """)
        _ = try await answer(store, request("hi"))
        #expect(try await store.neverHit().map(\.id) == ["unused"])
        #expect(try await store.hits(of: "used").contexts == ["global": 1])
    }

    @Test func aMissNamesTheNearestFixturesAndWhatTheyFailed() throws {
        var yaml = "fixtures:\n"
        for number in 0..<500 {
            yaml += "  - {name: f\(number), match: {model: m\(number), user: {contains: topic \(number)}}, reply: {content: x}}\n"
        }
        yaml += "  - {name: near, match: {model: gpt-4o, user: {contains: weather in paris}}, reply: {content: x}}\n"
        let store = try store(yaml)
        let misses = store.nearMisses(for: request("what is the weather in parys"))
        #expect(misses.first?.fixture.id == "near")
        #expect(misses.first?.reasons == [#"user "what is the weather in parys" does not satisfy: contains "weather in paris""#])
        #expect(misses.count == 3)
    }

    @Test func validateFindsFixturesThatNeverAnswer() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("shadowed-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try """
        fixtures:
          - name: hello
            match: {user: hello}
            reply: {content: a}
          - name: same
            match: {user: {contains: hello}}
            reply: {content: b}
          - name: sequence
            match: {user: seq}
            replies: [{content: a}]
            after_last: fall_through
          - name: after-sequence
            match: {user: seq}
            reply: {content: b}
          - name: everything
            reply: {content: c}
          - name: late
            match: {model: gpt-4o}
            reply: {content: d}
          - name: urgent
            priority: 1
            match: {model: gpt-4o}
            reply: {content: e}
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let problems = HostConfiguration.problems(inFile: file)
        #expect(problems.map(\.fixture) == [#"fixture #2 "same""#, #"fixture #6 "late""#])
        #expect(problems.first?.line == 5)
        #expect(problems.first?.message.contains(#"fixture #1 "hello" (line 2) is tried first and tests the same"#) == true)
        #expect(problems.last?.message.contains("matches every request") == true)
        // A host still starts with them.
        #expect(throws: Never.self) { try HostConfiguration(contentsOfFile: file) }
    }
}
