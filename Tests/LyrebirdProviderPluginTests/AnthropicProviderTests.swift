import LyrebirdPluginAPI
import Testing

/// The Anthropic Messages provider served in-process, as the plugin serves it once loaded.
@Suite struct AnthropicProviderTests {
    static let fixtures = """
        fixtures:
          - match: {user: hello}
            reply: {content: "Hi there! How can I help you today?"}
          - match: {user: weather}
            reply:
              tool_calls: [{name: get_weather, arguments: {city: Paris}, id: toolu_fixed}]
          - match: {user: boom}
            reply: {error: {status: 429, message: slow down, retry_after_ms: 1500}}
        """
    static let version = [Header(name: "anthropic-version", value: "2023-06-01")]

    private func body(_ text: String, stream: Bool = false, extra: String = "") -> String {
        #"{"model": "claude-sonnet-4-5", "max_tokens": 100, "stream": \#(stream), "messages": [{"role": "user", "content": "\#(text)"}]\#(extra)}"#
    }

    /// The events of an SSE body as (name, data) pairs.
    private func events(_ response: WireResponse) throws -> [(name: String, data: JSONValue)] {
        let text = String(decoding: response.body, as: UTF8.self)
        return try text.components(separatedBy: "\n\n").filter { !$0.isEmpty }.map { block in
            let lines = block.split(separator: "\n")
            #expect(lines.count == 2 && lines[0].hasPrefix("event: ") && lines[1].hasPrefix("data: "), "\(block)")
            return (String(lines[0].dropFirst("event: ".count)), try JSONValue.parse(String(lines[1].dropFirst("data: ".count))))
        }
    }

    @Test func aWholeMessageCarriesTheFixtureTextAndUsage() async throws {
        let host = try TestHost(Self.fixtures)
        let message = try await host.json(.post, "/v1/messages", body("hello"), headers: Self.version)
        #expect(message["type"]?.stringValue == "message")
        #expect(message["role"]?.stringValue == "assistant")
        #expect(message["content"]?.arrayValue?.first?["text"]?.stringValue == "Hi there! How can I help you today?")
        #expect(message["stop_reason"]?.stringValue == "end_turn")
        #expect((message["usage"]?["output_tokens"]?.intValue ?? 0) > 0)
    }

    @Test func aToolCallIsAToolUseBlockAndStopsForTools() async throws {
        let host = try TestHost(Self.fixtures)
        let message = try await host.json(.post, "/v1/messages", body("weather in Paris"), headers: Self.version)
        let block = message["content"]?.arrayValue?.last
        #expect(block?["type"]?.stringValue == "tool_use")
        #expect(block?["id"]?.stringValue == "toolu_fixed")
        #expect(block?["name"]?.stringValue == "get_weather")
        #expect(block?["input"]?["city"]?.stringValue == "Paris")
        #expect(message["stop_reason"]?.stringValue == "tool_use")
    }

    @Test func aStreamRunsFromMessageStartToMessageStop() async throws {
        let host = try TestHost(Self.fixtures)
        let response = await host.send(.post, "/v1/messages", body("hello", stream: true), headers: Self.version)
        #expect(response.status == 200)
        let names = try events(response).map(\.name)
        #expect(names.first == "message_start")
        #expect(names.last == "message_stop")
        #expect(names.contains("content_block_delta") && names.contains("message_delta"))
        let text = try events(response).compactMap { $0.data["delta"]?["text"]?.stringValue }.joined()
        #expect(text == "Hi there! How can I help you today?")
    }

    @Test func errorsHaveAnthropicsShapeAndRetryHints() async throws {
        let host = try TestHost(Self.fixtures)
        let response = await host.send(.post, "/v1/messages", body("boom"), headers: Self.version)
        #expect(response.status == 429)
        let error = try JSONValue.parse(response.body)
        #expect(error["type"]?.stringValue == "error")
        #expect(error["error"]?["type"]?.stringValue == "rate_limit_error")
        #expect(error["error"]?["message"]?.stringValue == "slow down")
        #expect(response.headers.contains(Header(name: "retry-after-ms", value: "1500")))
        let missing = await host.send(.post, "/v1/messages", #"{"model": "m", "max_tokens": 5}"#, headers: Self.version)
        #expect(missing.status == 400)
        #expect((try JSONValue.parse(missing.body))["error"]?["type"]?.stringValue == "invalid_request_error")
    }

    @Test func thinkingWithAForcedToolIsRefusedAsAnthropicRefusesIt() async throws {
        let host = try TestHost(Self.fixtures)
        let tools = #", "tools": [{"name": "get_weather", "input_schema": {"type": "object"}}]"#
        let thinking = #", "thinking": {"type": "adaptive"}"#
        for choice in [#"{"type": "any"}"#, #"{"type": "tool", "name": "get_weather"}"#] {
            let refused = await host.send(
                .post, "/v1/messages", body("hello", extra: tools + thinking + #", "tool_choice": \#(choice)"#), headers: Self.version)
            #expect(refused.status == 400)
            let error = try JSONValue.parse(refused.body)["error"]
            #expect(error?["message"]?.stringValue == "Thinking may not be enabled when tool_choice forces tool use.")
            let unthinking = await host.send(
                .post, "/v1/messages", body("hello", extra: tools + #", "tool_choice": \#(choice)"#), headers: Self.version)
            #expect(unthinking.status == 200)
        }
        let chooses = await host.send(
            .post, "/v1/messages", body("hello", extra: tools + thinking + #", "tool_choice": {"type": "auto"}"#), headers: Self.version)
        #expect(chooses.status == 200)
        let disabled = #", "thinking": {"type": "disabled"}, "tool_choice": {"type": "any"}"#
        #expect(await host.send(.post, "/v1/messages", body("hello", extra: tools + disabled), headers: Self.version).status == 200)
    }

    @Test func countTokensAgreesWithTheUsageOfTheSamePrompt() async throws {
        let host = try TestHost(Self.fixtures)
        let counted = try await host.json(
            .post, "/v1/messages/count_tokens", #"{"model": "m", "messages": [{"role": "user", "content": "hello"}]}"#,
            headers: Self.version)
        let message = try await host.json(.post, "/v1/messages", body("hello"), headers: Self.version)
        #expect(counted["input_tokens"]?.intValue == message["usage"]?["input_tokens"]?.intValue)
    }
}
