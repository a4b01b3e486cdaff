import LyrebirdPluginAPI
import Testing

/// A reply's reasoning as Gemini's thought parts.
@Suite struct GeminiThoughtTests {
    static let fixtures = """
        fixtures:
          - match: {user: think}
            reply: {reasoning: "The user greets me. A short greeting back is enough.", content: "Hello!"}
          - match: {user: hello}
            reply: {content: "Hi there!"}
        """
    static let reasoning = "The user greets me. A short greeting back is enough."
    static let showing = #""generationConfig": {"thinkingConfig": {"includeThoughts": true, "thinkingBudget": 1024}}"#

    private func parts(_ response: JSONValue) -> [JSONValue] {
        response["candidates"]?.arrayValue?.first?["content"]?["parts"]?.arrayValue ?? []
    }

    /// The `data:` payloads of an SSE body.
    private func events(_ response: WireResponse) throws -> [JSONValue] {
        try String(decoding: response.body, as: UTF8.self).components(separatedBy: "\r\n\r\n").filter { !$0.isEmpty }.map {
            try JSONValue.parse(String($0.dropFirst("data: ".count)))
        }
    }

    @Test func thoughtsComeBeforeTheAnswerWhenAskedFor() async throws {
        let host = try TestHost(Self.fixtures)
        let path = "/v1beta/models/gemini-2.5-flash:generateContent"
        let shown = try await host.json(.post, path, #"{"contents": [{"parts": [{"text": "think"}]}], \#(Self.showing)}"#)
        #expect(parts(shown) == [["text": .string(Self.reasoning), "thought": true], ["text": "Hello!"]])
        let thoughts = TokenCounter.count(Self.reasoning)
        let usage = try #require(shown["usageMetadata"])
        // Thoughts are counted apart from the candidates and within the total.
        #expect(usage["thoughtsTokenCount"]?.intValue == thoughts)
        #expect(usage["candidatesTokenCount"]?.intValue == TokenCounter.count("Hello!"))
        #expect(
            usage["totalTokenCount"]?.intValue
                == (usage["promptTokenCount"]?.intValue ?? 0) + thoughts + TokenCounter.count("Hello!"))

        let hidden = try await host.json(.post, path, #"{"contents": [{"parts": [{"text": "think"}]}]}"#)
        #expect(parts(hidden) == [["text": "Hello!"]])
        #expect(hidden["usageMetadata"] == usage)
        let unthinking = try await host.json(.post, path, #"{"contents": [{"parts": [{"text": "hello"}]}], \#(Self.showing)}"#)
        #expect(parts(unthinking) == [["text": "Hi there!"]])
        #expect(unthinking["usageMetadata"]?["thoughtsTokenCount"] == nil)
    }

    @Test func streamedThoughtsArriveBeforeTheText() async throws {
        let host = try TestHost(Self.fixtures)
        let path = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
        let shown = try events(await host.send(.post, path, #"{"contents": [{"parts": [{"text": "think"}]}], \#(Self.showing)}"#))
        let pieces = shown.flatMap(parts)
        let thoughtCount = pieces.prefix { $0["thought"] == true }.count
        #expect(thoughtCount > 0)
        #expect(pieces.prefix(thoughtCount).compactMap { $0["text"]?.stringValue }.joined() == Self.reasoning)
        #expect(pieces.dropFirst(thoughtCount).allSatisfy { $0["thought"] == nil })
        #expect(pieces.dropFirst(thoughtCount).compactMap { $0["text"]?.stringValue }.joined() == "Hello!")
        #expect(shown.last?["usageMetadata"]?["thoughtsTokenCount"]?.intValue == TokenCounter.count(Self.reasoning))

        let hidden = try events(await host.send(.post, path, #"{"contents": [{"parts": [{"text": "think"}]}]}"#))
        #expect(hidden.flatMap(parts).allSatisfy { $0["thought"] == nil })
        #expect(hidden.flatMap(parts).compactMap { $0["text"]?.stringValue }.joined() == "Hello!")
    }

    @Test func thoughtsSentBackAreAcceptedAndNotMatched() async throws {
        let host = try TestHost(Self.fixtures)
        let body = """
            {"contents": [
              {"role": "user", "parts": [{"text": "think"}]},
              {"role": "model", "parts": [{"text": "think about hello", "thought": true, "thoughtSignature": "c2ln"}, {"text": "Hello!"}]},
              {"role": "user", "parts": [{"text": "hello"}]}]}
            """
        let reply = try await host.json(.post, "/v1beta/models/gemini-2.5-flash:generateContent", body)
        #expect(parts(reply) == [["text": "Hi there!"]])
    }

    @Test func aBadThinkingConfigIsRefusedByName() async throws {
        let host = try TestHost(Self.fixtures)
        let body = #"{"contents": [{"parts": [{"text": "think"}]}], "generation_config": {"thinking_config": {"include_thoughts": "yes"}}}"#
        let error = try await host.json(.post, "/v1beta/models/gemini-2.5-flash:generateContent", body, status: 400)
        #expect(error["error"]?["message"] == #"Invalid value at 'generation_config.thinking_config.include_thoughts' (TYPE_BOOL), "yes""#)
    }
}
