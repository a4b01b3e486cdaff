import Foundation
import LyrebirdBuiltinProviders
import LyrebirdHost
import LyrebirdPluginAPI
import Testing

@Suite struct PipelineTests {
    private func makeHost(_ yaml: String = "fixtures: []", responders: [any Responder] = []) throws -> LyrebirdHost {
        try LyrebirdHost(configuration: try HostConfiguration(yaml: yaml), providers: BuiltinProviders.all, responders: responders)
    }

    private func chat(_ host: LyrebirdHost, _ body: String) async throws -> (WireResponse, JSONValue?) {
        let response = await host.respond(to: WireRequest(method: .post, path: "/v1/chat/completions", body: Array(body.utf8)))
        return (response, try? JSONValue.parse(response.body))
    }

    private func events(_ response: WireResponse) throws -> [JSONValue] {
        let text = String(decoding: response.body, as: UTF8.self)
        #expect(text.hasSuffix("data: [DONE]\n\n"))
        return try text.components(separatedBy: "\n\n")
            .filter { $0.hasPrefix("data: {") }
            .map { try JSONValue.parse(String($0.dropFirst(6))) }
    }

    @Test func fixtureReplyWithCountedUsage() async throws {
        let host = try makeHost("fixtures: [{match: {user: hi}, reply: {content: Hello there}}]")
        let (response, json) = try await chat(host, #"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#)
        #expect(response.status == 200)
        #expect(response.headers.contains { $0.name == "x-request-id" && $0.value.hasPrefix("req_") })
        #expect(json?["choices"]?.arrayValue?.first?["message"]?["content"] == "Hello there")
        #expect(json?["usage"]?["prompt_tokens"]?.intValue == 3 + 4 + 1)
        #expect(json?["usage"]?["completion_tokens"]?.intValue == TokenCounter.count("Hello there"))
    }

    @Test func streamedReplyIsChunkedAndReassembles() async throws {
        let text = "A reply long enough to be cut into several pieces when it is streamed."
        let host = try makeHost("fixtures: [{reply: {content: \"\(text)\"}}]")
        let (response, _) = try await chat(
            host, #"{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"x"}]}"#)
        #expect(response.contentType == "text/event-stream")
        let chunks = try events(response)
        let pieces = chunks.compactMap { $0["choices"]?.arrayValue?.first?["delta"]?["content"]?.stringValue }
        #expect(pieces.count > 3)
        #expect(pieces.joined() == text)
        #expect(chunks.last?["choices"] == .array([]))
        #expect(chunks.last?["usage"]?["completion_tokens"]?.intValue == TokenCounter.count(text))
        #expect(Set(chunks.compactMap { $0["id"]?.stringValue }).count == 1)
    }

    @Test func aMissExplainedOnceIsExplainedAlikeUntilTheFixturesChange() async throws {
        let host = try makeHost("fixtures: [{name: greeting, match: {user: hello there}, reply: {content: Hi}}]")
        let body = #"{"model":"m","messages":[{"role":"user","content":"hello thore"}]}"#
        _ = try await chat(host, body)
        _ = try await chat(host, body)
        let first = host.journal.all.suffix(2).map(\.nearMisses)
        #expect(first[0] == first[1])
        #expect(first[0].first?.contains("greeting") == true)
        _ = host.fixtures.add(try Fixture(yaml: "{name: closer, match: {user: hello thore!}, reply: {content: Hi}}"))
        _ = try await chat(host, body)
        #expect(host.journal.all.last?.nearMisses.contains { $0.contains("closer") } == true, "a new snapshot explains anew")
    }

    @Test func choicesAreCopiedForN() async throws {
        let host = try makeHost("fixtures: [{reply: {content: same}}]")
        let (_, json) = try await chat(host, #"{"model":"m","n":3,"messages":[{"role":"user","content":"x"}]}"#)
        let choices = json?["choices"]?.arrayValue ?? []
        #expect(choices.map { $0["index"]?.intValue } == [0, 1, 2])
        #expect(json?["usage"]?["completion_tokens"]?.intValue == 3 * TokenCounter.count("same"))
    }

    @Test func mockResponseWinsAndDefaultReplyFillsIn() async throws {
        let host = try makeHost("fixtures: [{match: {user: hi}, reply: {content: fixture}}]")
        let (_, mocked) = try await chat(host, #"{"model":"m","mock_response":"mocked","messages":[{"role":"user","content":"hi"}]}"#)
        #expect(mocked?["choices"]?.arrayValue?.first?["message"]?["content"] == "mocked")
        let (_, fallback) = try await chat(host, #"{"model":"m","messages":[{"role":"user","content":"other"}]}"#)
        #expect(fallback?["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue == HostConfiguration.standardDefaultReply)
        #expect(host.journal.all.map(\.source) == ["mock_response", "default"])
    }

    @Test func errorFixtureUsesTheProviderShape() async throws {
        let host = try makeHost("fixtures: [{reply: {error: {status: 418, message: teapot, code: short}}}]")
        let (response, json) = try await chat(host, #"{"model":"m","stream":true,"messages":[{"role":"user","content":"x"}]}"#)
        #expect(response.status == 418)
        #expect(json?["error"]?["message"] == "teapot")
        #expect(json?["error"]?["code"] == "short")
        #expect(response.headers.contains { $0.name == "x-should-retry" && $0.value == "false" })
    }

    @Test func strictModeExplainsTheMiss() async throws {
        let host = try makeHost("settings: {strict: true}\nfixtures: [{name: greet, match: {user: hello}, reply: {content: hi}}]")
        let (response, json) = try await chat(host, #"{"model":"m","messages":[{"role":"user","content":"goodbye"}]}"#)
        #expect(response.status == 404)
        let message = json?["error"]?["message"]?.stringValue ?? ""
        #expect(message.contains("fixture \"greet\""))
        #expect(message.contains("does not satisfy: contains \"hello\""))
    }

    @Test func responderStreamsEventsAndErrorsMidStream() async throws {
        struct Countdown: Responder {
            let name = "countdown"
            func respond(to request: CanonicalRequest, parameters: JSONValue, into sink: any ReplySink) async throws {
                for number in (1...(parameters["from"]?.intValue ?? 3)).reversed() { await sink.emit(.text("\(number) ")) }
                if parameters["fail"]?.boolValue == true {
                    await sink.emit(.error(ReplyError(status: 500, message: "broke mid-way")))
                }
            }
        }
        let host = try makeHost(
            """
            fixtures:
              - {match: {user: count}, reply: {responder: countdown, params: {from: 3}}}
              - {match: {user: fail}, reply: {responder: countdown, params: {from: 2, fail: true}}}
            """, responders: [Countdown()])
        let (_, json) = try await chat(host, #"{"model":"m","messages":[{"role":"user","content":"count"}]}"#)
        #expect(json?["choices"]?.arrayValue?.first?["message"]?["content"] == "3 2 1 ")

        let (streamed, _) = try await chat(host, #"{"model":"m","stream":true,"messages":[{"role":"user","content":"fail"}]}"#)
        let text = String(decoding: streamed.body, as: UTF8.self)
        #expect(streamed.status == 200)
        #expect(text.contains(#"data: {"error":{"message":"broke mid-way""#))
        #expect(!text.contains("[DONE]"))
    }

    @Test func unknownResponderIsRefusedAtStart() {
        #expect(throws: ConfigurationError.self) {
            try makeHost("fixtures: [{reply: {responder: missing}}]")
        }
    }

    @Test func badInputNamesTheParameter() async throws {
        let host = try makeHost()
        let (response, json) = try await chat(host, #"{"model":"m","messages":[{"role":"user","content":"x"}],"n":"2"}"#)
        #expect(response.status == 400)
        #expect(json?["error"]?["param"] == "n")
        let unknown = await host.respond(to: WireRequest(method: .get, path: "/v1/unknown"))
        #expect(unknown.status == 404)
    }
}
