import LyrebirdOllamaProvider
import LyrebirdPluginAPI
import Testing

/// `think`: a reply's reasoning as Ollama's `thinking`.
@Suite struct OllamaThinkingTests {
    static let fixtures = """
        fixtures:
          - match: {user: think}
            reply: {reasoning: "The user greets me. A short greeting back is enough.", content: "Hello!"}
          - match: {user: hello}
            reply: {content: "Hi there!"}
        """
    static let reasoning = "The user greets me. A short greeting back is enough."
    static let question = #""messages": [{"role": "user", "content": "think"}]"#

    private func lines(_ response: WireResponse) throws -> [JSONValue] {
        try String(decoding: response.body, as: UTF8.self).split(separator: "\n").map { try JSONValue.parse(String($0)) }
    }

    @Test func thinkingIsShownOnlyWhenAskedFor() async throws {
        let host = try TestHost(Self.fixtures)
        for think in ["true", #""high""#, #""max""#] {
            let whole = try await host.json(
                .post, "/api/chat", #"{"model": "qwen3", "stream": false, "think": \#(think), \#(Self.question)}"#)
            #expect(whole["message"] == ["role": "assistant", "content": "Hello!", "thinking": .string(Self.reasoning)])
            // The reasoning is counted within the reply's tokens.
            #expect(whole["eval_count"]?.intValue == TokenCounter.count(Self.reasoning) + TokenCounter.count("Hello!"))
        }
        for think in ["false", "null"] {
            let whole = try await host.json(
                .post, "/api/chat", #"{"model": "qwen3", "stream": false, "think": \#(think), \#(Self.question)}"#)
            #expect(whole["message"] == ["role": "assistant", "content": "Hello!"])
        }
        let generated = try await host.json(
            .post, "/api/generate", #"{"model": "qwen3", "prompt": "think", "stream": false, "think": true}"#)
        #expect(generated["response"] == "Hello!" && generated["thinking"] == .string(Self.reasoning))
        let plain = try await host.json(.post, "/api/generate", #"{"model": "qwen3", "prompt": "think", "stream": false}"#)
        #expect(plain["thinking"] == nil)
    }

    @Test func streamedThinkingComesBeforeTheContent() async throws {
        let host = try TestHost(Self.fixtures)
        let lines = try lines(await host.send(.post, "/api/chat", #"{"model": "qwen3", "think": true, \#(Self.question)}"#))
        let messages = lines.dropLast().compactMap { $0["message"] }
        let thinkingCount = messages.prefix { $0["thinking"] != nil }.count
        #expect(thinkingCount > 0)
        #expect(messages.prefix(thinkingCount).allSatisfy { $0["content"] == "" })
        #expect(messages.prefix(thinkingCount).compactMap { $0["thinking"]?.stringValue }.joined() == Self.reasoning)
        #expect(messages.dropFirst(thinkingCount).allSatisfy { $0["thinking"] == nil })
        #expect(messages.compactMap { $0["content"]?.stringValue }.joined() == "Hello!")
        #expect(lines.last?["done"] == true && lines.last?["message"]?["thinking"] == nil)

        let generated = try self.lines(await host.send(.post, "/api/generate", #"{"model": "qwen3", "prompt": "think", "think": "low"}"#))
        #expect(generated.compactMap { $0["thinking"]?.stringValue }.joined() == Self.reasoning)
        #expect(generated.compactMap { $0["response"]?.stringValue }.joined() == "Hello!")
        let plain = try self.lines(await host.send(.post, "/api/generate", #"{"model": "qwen3", "prompt": "think"}"#))
        #expect(plain.allSatisfy { $0["thinking"] == nil })
    }

    @Test func thinkingSentBackIsKeptButNotMatched() async throws {
        let body = """
            {"model": "qwen3", "stream": false, "think": true, "messages": [
              {"role": "user", "content": "think"},
              {"role": "assistant", "content": "Hello!", "thinking": "think about hello"},
              {"role": "user", "content": "hello"}]}
            """
        let reply = try await TestHost(Self.fixtures).json(.post, "/api/chat", body)
        #expect(reply["message"]?["content"] == "Hi there!")
        let provider = OllamaProvider()
        let request = try provider.decode(WireRequest(method: .post, path: "/api/chat", body: Array(body.utf8)), route: provider.routes[0])
        #expect(request.messages[1].content == [.other(type: "thinking", value: "think about hello"), .text("Hello!")])
        #expect(request.messages[1].text == "Hello!")
    }

    @Test func aBadThinkValueIsRefusedInOllamasWords() async throws {
        let host = try TestHost(Self.fixtures)
        let cases: [(String, String)] = [
            (#""extreme""#, #"invalid think value: "extreme" (must be "high", "medium", "low", "max", true, or false)"#),
            ("1", #"think must be a boolean or string ("high", "medium", "low", "max", true, or false)"#),
        ]
        for (think, message) in cases {
            let body = #"{"model": "qwen3", "think": \#(think), \#(Self.question)}"#
            #expect(try await host.json(.post, "/api/chat", body, status: 400) == ["error": .string(message)])
        }
        let badHistory = #"{"model": "qwen3", "messages": [{"role": "assistant", "content": "", "thinking": 3}]}"#
        #expect(
            try await host.json(.post, "/api/chat", badHistory, status: 400) == [
                "error": "json: cannot unmarshal number into Go struct field ChatRequest.messages.thinking of type string"
            ])
    }
}
