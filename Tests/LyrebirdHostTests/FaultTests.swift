import Foundation
import LyrebirdPluginAPI
import Testing

@testable import LyrebirdHost

/// The fault stage's parts on their own: the settings read from a file, the draws, the split
/// writes, the jitter and the chunk sizes. The faults on the wire, with the official clients,
/// are in the conformance suite (test_faults.py).
@Suite struct FaultTests {
    private func request(_ text: String, model: String = "m", headers: [Header] = [], context: String = "ctx") -> CanonicalRequest {
        CanonicalRequest(
            operation: "chat.completions", model: model, messages: [Message(role: .user, text: text)],
            headers: headers + [Header(name: "x-lyrebird-context", value: context)])
    }

    private func stage(_ yaml: String) throws -> FaultStage {
        FaultStage(settings: try HostConfiguration(yaml: yaml).faults, maxContexts: 100)
    }

    @Test func everyKindIsReadWithItsDefaults() throws {
        let configuration = try HostConfiguration(
            yaml: """
                seed: 9
                faults:
                  - {kind: error, status: 503, retry_after_ms: 250, rate: 0.5, times: 3, model: "gpt-*"}
                  - hang
                  - {kind: hang, ms: 100}
                  - {kind: disconnect, after_events: 4}
                  - {kind: disconnect, after_ms: 30}
                  - disconnect
                  - truncate
                  - {kind: malformed_json, after_events: 2}
                  - malformed_sse
                  - {kind: split_events, at: crlf, pause_ms: 1}
                  - {kind: split_events, bytes: 7}
                  - {kind: stream_error, status: 529, message: Busy}
                  - {kind: refusal, text: "No."}
                  - {kind: ws_close, code: 4001, reason: bye}
                timing:
                  - {model: "claude-*", first_token_ms: 10, jitter: {log_normal: {mu: 1, sigma: 0.5}}, chunk: {tokens: 3}}
                  - {header_latency_ms: 5, end_pause_ms: 7, jitter: {fixed: {ms: 2}}, chunk: {words: 2}}
                fixtures:
                  - reply: {content: x}
                """)
        let faults = configuration.faults
        #expect(faults.seed == 9)
        let kinds = faults.rules.map(\.fault.kind)
        #expect(
            kinds == [
                .error(
                    ReplyError(
                        status: 503, message: "The provider failed (a fault injected by Lyrebird, status 503).", retryAfterMilliseconds: 250
                    )),
                .hang(milliseconds: nil), .hang(milliseconds: 100), .disconnect(.afterEvents(4)), .disconnect(.afterMilliseconds(30)),
                .disconnect(.beforeHeaders), .truncate(afterEvents: nil), .malformedJSON(afterEvents: 2), .malformedEvent(afterEvents: 0),
                .splitEvents(Fault.Split(.betweenCRLF, pauseMilliseconds: 1)), .splitEvents(Fault.Split(.bytes(7))),
                .streamError(ReplyError(status: 529, message: "Busy"), afterEvents: 1), .refusal(text: "No."),
                .webSocketClose(code: 4001, reason: "bye"),
            ])
        #expect(faults.rules[0].fault.rate == 0.5 && faults.rules[0].fault.times == 3 && faults.rules[0].model == "gpt-*")
        #expect(faults.timings.count == 2)
        #expect(faults.timings[0].model == "claude-*" && faults.timings[0].timing.chunk == .tokens(3))
        #expect(faults.timings[0].timing.jitter == .logNormal(mu: 1, sigma: 0.5))
        #expect(faults.timings[1].timing.headerLatencyMilliseconds == 5 && faults.timings[1].timing.endPauseMilliseconds == 7)
    }

    @Test func badFaultsAreRefusedWithTheirPlace() {
        let yaml = """
            seed: -1
            faults:
              - {kind: earthquake}
              - {kind: disconnect, after_events: 2, after_ms: 5}
              - {kind: error, rate: 2, colour: red}
              - {kind: ws_close, code: 999}
            timing: {jitter: {uniform: {min_ms: 5, max_ms: 1}}, chunk: {lines: 2}}
            fixtures:
              - reply: {content: x, fault: {kind: split_events, at: middle}}
            """
        #expect {
            try HostConfiguration(yaml: yaml)
        } throws: { error in
            let text = "\(error)"
            return [
                "seed", "faults[0].kind", "faults[1]", "faults[2].rate", "faults[2].colour", "faults[3].code", "timing.jitter.uniform",
                "timing.chunk", "reply.fault.at",
            ].allSatisfy { text.contains($0) }
        }
    }

    @Test func aRateIsDrawnFromTheSeedContextAndCount() throws {
        let faults = try stage("seed: 42\nfaults: [{kind: error, status: 500, rate: 0.5}]\nfixtures: [{reply: {content: x}}]")
        func pattern(_ context: String) -> [Bool] {
            (0..<40).map { _ in
                (try? faults.decide(request("hi", context: context), fixtureFault: nil, fixtureKey: "", fixtureTiming: nil).get())?.fault
                    != nil
            }
        }
        let first = pattern("a")
        #expect(first.contains(true) && first.contains(false))
        let again = try stage("seed: 42\nfaults: [{kind: error, status: 500, rate: 0.5}]\nfixtures: [{reply: {content: x}}]")
        let repeated = (0..<40).map { _ in
            (try? again.decide(request("hi", context: "a"), fixtureFault: nil, fixtureKey: "", fixtureTiming: nil).get())?.fault != nil
        }
        #expect(repeated == first, "the same seed, context and order give the same faults")
        #expect(pattern("b") != first, "another context draws its own")
        #expect(FaultStage.draw(seed: 1, context: "a", key: "k", count: 0) != FaultStage.draw(seed: 2, context: "a", key: "k", count: 0))
    }

    @Test func timesCountPerContextAndAProfileStartsThemAgain() throws {
        let faults = try stage("faults: [{kind: disconnect, times: 2}]\nfixtures: [{reply: {content: x}}]")
        func fires(_ context: String) -> Bool {
            (try? faults.decide(request("hi", context: context), fixtureFault: nil, fixtureKey: "", fixtureTiming: nil).get())?.fault != nil
        }
        #expect([fires("a"), fires("a"), fires("a"), fires("b")] == [true, true, false, true])
        faults.setProfile(ContextProfile(seed: 3), for: "a")
        #expect(fires("a"), "a new profile counts from the start")
        #expect(faults.removeProfile(for: "a"))
        #expect(!faults.removeProfile(for: "a"))
        faults.setProfile(ContextProfile(rules: []), for: "c")
        #expect(!fires("c"), "a profile's faults take the place of the file's")
    }

    @Test func withARateTimesCountsTheFaultsApplied() throws {
        let faults = try stage("seed: 4\nfaults: [{kind: error, rate: 0.5, times: 3}]\nfixtures: [{reply: {content: x}}]")
        let fired = (0..<60).filter { _ in
            (try? faults.decide(request("hi"), fixtureFault: nil, fixtureKey: "", fixtureTiming: nil).get())?.fault != nil
        }
        #expect(fired.count == 3)
    }

    @Test func headersChooseAFaultAndASeedOrAreRefused() throws {
        let faults = try stage("fixtures: [{reply: {content: x}}]")
        let decided = try faults.decide(
            request("hi", headers: [Header(name: "x-lyrebird-fault", value: #"{"kind": "error", "status": 418, "message": "Teapot"}"#)]),
            fixtureFault: nil, fixtureKey: "", fixtureTiming: nil
        ).get()
        #expect(decided.fault?.kind == .error(ReplyError(status: 418, message: "Teapot")))
        let named = try faults.decide(
            request("hi", headers: [Header(name: "x-lyrebird-fault", value: "truncate")]), fixtureFault: nil, fixtureKey: "",
            fixtureTiming: nil
        ).get()
        #expect(named.fault?.kind == .truncate(afterEvents: nil))
        for (name, value) in [
            ("x-lyrebird-fault", "{kind: nope}"), ("x-lyrebird-fault", String(repeating: "a", count: 5000)), ("x-lyrebird-seed", "x"),
        ] {
            let result = faults.decide(
                request("hi", headers: [Header(name: name, value: value)]), fixtureFault: nil, fixtureKey: "", fixtureTiming: nil)
            guard case .failure(let error) = result else {
                Issue.record("\(name): \(value.prefix(20)) was taken")
                continue
            }
            #expect(error.status == 400 && error.param == name)
        }
    }

    @Test func liteLLMSentinelsStandForTheirFailures() {
        func sentinel(_ text: String) -> Fault.Kind? {
            var request = request("hi")
            request.mockResponse = text
            return Fault.sentinel(in: request)?.kind
        }
        #expect(sentinel("litellm.RateLimitError").map { if case .error(let error) = $0 { return error.status } else { return 0 } } == 429)
        #expect(
            sentinel("litellm.InternalServerError").map { if case .error(let error) = $0 { return error.status } else { return 0 } } == 500)
        #expect(sentinel("litellm.Timeout") == .hang(milliseconds: nil))
        #expect(sentinel("Exception: mock_streaming_error").map { if case .streamError = $0 { return true } else { return false } } == true)
        #expect(sentinel("Just a reply.") == nil)
    }

    @Test func splitsCutWhereTheySay() {
        let text = Array("data: {\"a\":\"é\"}\n\n".utf8)
        let inside = Fault.Split(.insideCharacter).pieces(of: text)
        #expect(inside.count == 2 && inside.joined().elementsEqual(text))
        #expect(String(validating: inside[0], as: UTF8.self) == nil, "the first piece ends inside the é")
        let crlf = Fault.Split(.betweenCRLF)
        let prepared = crlf.prepared(text, text: true)
        #expect(String(decoding: prepared, as: UTF8.self) == "data: {\"a\":\"é\"}\r\n\r\n")
        let pieces = crlf.pieces(of: prepared)
        #expect(pieces.dropLast().allSatisfy { $0.last == 0x0D } && pieces.dropFirst().allSatisfy { $0.first == 0x0A })
        #expect(Fault.Split(.bytes(4)).pieces(of: text).map(\.count) == [4, 4, 4, 4, 2])
        #expect(crlf.prepared([0x01, 0x0A], text: false) == [0x01, 0x0A], "binary framing keeps its bytes")
    }

    @Test func jitterStaysInItsDistribution() {
        var random = SeededRandom(seed: 5)
        let uniform = (0..<500).map { _ in Jitter.uniform(minimumMilliseconds: 10, maximumMilliseconds: 20).draw(&random) }
        #expect(uniform.allSatisfy { $0 >= .milliseconds(10) && $0 <= .milliseconds(20) })
        let normal = (0..<2000).map { _ in Jitter.normal(meanMilliseconds: 50, standardDeviationMilliseconds: 5).draw(&random) }
        let mean = normal.reduce(Duration.zero, +) / normal.count
        #expect(mean > .milliseconds(48) && mean < .milliseconds(52))
        #expect(Jitter.normal(meanMilliseconds: -100, standardDeviationMilliseconds: 1).draw(&random) == .zero, "never negative")
        #expect(Jitter.fixed(milliseconds: 3).draw(&random) == .milliseconds(3))
        var first = SeededRandom(seed: 8)
        var second = SeededRandom(seed: 8)
        #expect(Jitter.logNormal(mu: 2, sigma: 1).draw(&first) == Jitter.logNormal(mu: 2, sigma: 1).draw(&second))
    }

    @Test func chunksAreWordsTokensOrCharacters() {
        let text = "one two  three four five"
        #expect(StaticReply.split(text, chunk: .words(2), atWords: true) == ["one two  ", "three four ", "five"])
        #expect(StaticReply.split(text, chunk: .words(1), atWords: true).count == 5)
        let tokens = StaticReply.split(text, chunk: .tokens(1), atWords: true)
        #expect(tokens.joined() == text && tokens.count == TokenCounter.count(text))
        #expect(StaticReply.split(text, chunk: nil, atWords: true) == [text])
    }
}
