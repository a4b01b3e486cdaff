import LyrebirdOllamaProvider
import LyrebirdPluginAPI
import Testing

@Suite struct OllamaProviderTests {
    private func host(strict: Bool = false) throws -> TestHost {
        let failing = Scripted(name: "failing", events: [.text("partial"), .error(ReplyError(status: 503, message: "overloaded"))])
        return try TestHost(GeminiProviderTests.fixtures, strict: strict, responders: [failing])
    }

    /// The objects of an NDJSON body, one per line.
    private func lines(_ response: WireResponse) throws -> [JSONValue] {
        #expect(response.contentType == "application/x-ndjson")
        let body = String(decoding: response.body, as: UTF8.self)
        #expect(body.hasSuffix("\n"))
        return try body.split(separator: "\n").map { try JSONValue.parse(String($0)) }
    }

    @Test func chatStreamsUnlessAskedNotTo() async throws {
        let host = try host()
        let body = #"{"model": "llama3.2", "messages": [{"role": "user", "content": "hello"}]}"#
        let lines = try lines(await host.send(.post, "/api/chat", body))
        #expect(lines.count > 2)
        #expect(lines.dropLast().allSatisfy { $0["done"] == false && $0["message"]?["role"] == "assistant" })
        #expect(lines.compactMap { $0["message"]?["content"]?.stringValue }.joined() == "Hi there! How can I help you today?")
        #expect(lines.allSatisfy { $0["model"] == "llama3.2" && $0["created_at"]?.stringValue?.hasSuffix("Z") == true })
        let last = try #require(lines.last)
        #expect(last["done"] == true && last["done_reason"] == "stop")
        // The counts are the host's: 3 + 4 per message + "hello" (2), and 12 for the reply.
        #expect(last["prompt_eval_count"] == 9 && last["eval_count"] == 12)
        #expect(last["eval_duration"] == 120_000_000 && last["total_duration"] == 130_000_000)

        let whole = try await host.json(
            .post, "/api/chat", #"{"model": "llama3.2", "stream": false, "messages": [{"role": "user", "content": "hello"}]}"#)
        #expect(whole["message"] == ["role": "assistant", "content": "Hi there! How can I help you today?"])
        #expect(whole["done"] == true && whole["done_reason"] == "stop" && whole["prompt_eval_count"] == 9)
        #expect(host.host.journal.all.map(\.streamed) == [true, false])
    }

    @Test func toolCallsCarryTheirArgumentsAsAnObject() async throws {
        let host = try host()
        let body = #"{"model": "qwen2.5", "stream": false, "messages": [{"role": "user", "content": "weather in Paris?"}]}"#
        let whole = try await host.json(.post, "/api/chat", body)
        let calls: JSONValue = [["id": "call_fixed", "function": ["index": 0, "name": "get_weather", "arguments": ["city": "Paris"]]]]
        #expect(whole["message"] == ["role": "assistant", "content": "", "tool_calls": calls])
        #expect(whole["done_reason"] == "stop")

        let streamed = try lines(
            await host.send(.post, "/api/chat", #"{"model": "qwen2.5", "messages": [{"role": "user", "content": "weather?"}]}"#))
        #expect(streamed.count == 2)
        #expect(streamed.first?["message"] == ["role": "assistant", "content": "", "tool_calls": calls])
        #expect(streamed.first?["done"] == false && streamed.last?["done"] == true)
    }

    @Test func generateAnswersWithAResponse() async throws {
        let host = try host()
        let whole = try await host.json(.post, "/api/generate", #"{"model": "llama3.2", "prompt": "hello", "stream": false}"#)
        #expect(whole["response"] == "Hi there! How can I help you today?")
        #expect(whole["done"] == true && whole["message"] == nil)
        let lines = try lines(await host.send(.post, "/api/generate", #"{"model": "llama3.2", "system": "Be kind.", "prompt": "hello"}"#))
        #expect(lines.compactMap { $0["response"]?.stringValue }.joined() == "Hi there! How can I help you today?")
        // The system message costs 4 and "Be kind." 3 more.
        #expect(lines.last?["prompt_eval_count"] == 16)
        // A reply written for chat sends its text alone: generate has no tool calls.
        let tools = try await host.json(.post, "/api/generate", #"{"model": "llama3.2", "prompt": "weather?", "stream": false}"#)
        #expect(tools["response"] == "" && tools["done"] == true)
    }

    @Test func messagesBecomeTheCanonicalConversation() throws {
        let body = """
            {"model": "llama3.2",
             "messages": [
               {"role": "System", "content": "Be brief."},
               {"role": "user", "content": "weather?", "images": ["iVBORw0KGgoAAA"]},
               {"role": "assistant", "content": "", "tool_calls": [
                 {"function": {"name": "get_weather", "arguments": {"city": "Paris"}}},
                 {"function": {"name": "get_time", "arguments": {}}}]},
               {"role": "tool", "content": "noon", "tool_name": "get_time"},
               {"role": "tool", "content": "rain"}
             ],
             "tools": [{"type": "function", "function": {"name": "get_weather", "description": "Weather", "parameters": {"type": "object"}}}],
             "format": {"type": "object"},
             "options": {"temperature": 0.2, "top_p": 0.9, "num_predict": -1, "stop": ["END"], "seed": 42, "num_ctx": 4096}}
            """
        let provider = OllamaProvider()
        let request = try provider.decode(WireRequest(method: .post, path: "/api/chat", body: Array(body.utf8)), route: provider.routes[0])
        #expect(request.operation == "chat" && request.model == "llama3.2")
        #expect(
            request.messages == [
                Message(role: .system, text: "Be brief."),
                Message(role: .user, content: [.text("weather?"), .image(url: "data:image/png;base64,iVBORw0KGgoAAA")]),
                Message(
                    role: .assistant, content: [.text("")],
                    toolCalls: [
                        ToolCall(id: "call_2_0", name: "get_weather", arguments: #"{"city":"Paris"}"#),
                        ToolCall(id: "call_2_1", name: "get_time", arguments: "{}"),
                    ]),
                Message(role: .tool, content: [.text("noon")], name: "get_time", toolCallID: "call_2_1"),
                Message(role: .tool, content: [.text("rain")], toolCallID: "call_2_0"),
            ])
        #expect(request.tools == [ToolDefinition(name: "get_weather", description: "Weather", parameters: ["type": "object"])])
        #expect(request.responseFormat == .jsonSchema(name: "response", schema: ["type": "object"]))
        #expect(request.sampling == SamplingParameters(temperature: 0.2, topP: 0.9, stop: ["END"], seed: 42))
        #expect(request.stream && request.includeUsage && request.choiceCount == 1)
    }

    @Test func toolMessagesAnswerByIDThenNameThenTheOldestUnansweredCall() throws {
        let body = """
            {"model": "llama3.2",
             "messages": [
               {"role": "assistant", "content": "", "tool_calls": [
                 {"function": {"name": "f"}}, {"id": "a", "function": {"name": "f"}},
                 {"function": {"name": "g"}}, {"id": "a", "function": {"name": "g"}}]},
               {"role": "tool", "content": "", "tool_call_id": "a"},
               {"role": "tool", "content": "", "tool_name": "f"},
               {"role": "tool", "content": ""},
               {"role": "tool", "content": "", "tool_name": "g"},
               {"role": "tool", "content": ""},
               {"role": "tool", "content": "", "tool_call_id": "zz"},
               {"role": "tool", "content": "", "tool_name": "f"}
             ]}
            """
        let provider = OllamaProvider()
        let request = try provider.decode(WireRequest(method: .post, path: "/api/chat", body: Array(body.utf8)), route: provider.routes[0])
        // Each answer passes over calls already answered another way; an unknown id is kept.
        #expect(request.messages.filter { $0.role == .tool }.map(\.toolCallID) == ["a", "call_0_0", "call_0_2", "a", nil, "zz", nil])
    }

    @Test func theModelListNeedsNoFixtures() async throws {
        let yaml = """
            settings: {models: [my-model]}
            fixtures:
              - {match: {model: llama3.2, user: nothing-sends-this}, reply: {content: x}}
            """
        let host = try TestHost(yaml, strict: true)
        let tags = try await host.json(.get, "/api/tags")
        let names = tags["models"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        // The fixture's llama3.2 and the offered llama3.2:latest are one model.
        #expect(Array(names.prefix(3)) == ["my-model", "llama3.2", "gpt-4o"])
        #expect(names.contains("mistral:latest") && names.contains("gemini-2.0-flash") && !names.contains("llama3.2:latest"))
        let first = tags["models"]?.arrayValue?.first
        #expect(first?["model"] == "my-model" && first?["modified_at"] == "2023-11-14T22:13:20Z")
        #expect(first?["digest"]?.stringValue?.count == 64)
        #expect(first?["details"]?["family"] == "my" && first?["details"]?["format"] == "gguf")

        let shown = try await host.json(.post, "/api/show", #"{"model": "llama3.2:latest"}"#)
        #expect(shown["details"]?["family"] == "llama" && shown["details"]?["parameter_size"] == "3.2B")
        #expect(shown["model_info"]?["general.architecture"] == "llama")
        #expect(shown["capabilities"] == ["completion", "tools"])
        let missing = try await host.json(.post, "/api/show", #"{"model": "nope"}"#, status: 404)
        #expect(missing == ["error": "model 'nope' not found"])
        let unnamed = try await host.json(.post, "/api/show", "{}", status: 400)
        #expect(unnamed == ["error": "model is required"])
        // Chat still takes the fixtures, and strict mode refuses it in Ollama's shape.
        let refused = try await host.json(.post, "/api/chat", #"{"model": "llama3.2", "messages": []}"#, status: 404)
        #expect(refused["error"]?.stringValue?.hasPrefix("No fixture matched") == true)
    }

    @Test func errorsHaveOllamasShape() async throws {
        let host = try host()
        let cases: [(String, String)] = [
            (#"{"messages": []}"#, "model is required"),
            (#"{"model": "m", "stream": "yes"}"#, "json: cannot unmarshal string into Go struct field ChatRequest.stream of type bool"),
            (
                #"{"model": "m", "messages": [{"role": 1}]}"#,
                "json: cannot unmarshal number into Go struct field ChatRequest.messages.role of type string"
            ),
            (#"{"model": "m", "messages": [{"role": "robot"}]}"#, #"invalid message role "robot": use system, user, assistant or tool"#),
            (#"{"model": "m", "format": "yaml"}"#, #"invalid format: expected "json" or a valid JSON schema"#),
            (#"{"model": "m", "options": {"temperature": "hot"}}"#, #"option "temperature" must be of type float32"#),
            ("", "missing request body"),
        ]
        for (body, message) in cases {
            #expect(try await host.json(.post, "/api/chat", body, status: 400) == ["error": .string(message)])
        }
        let limited = try await host.json(
            .post, "/api/chat", #"{"model": "m", "messages": [{"role": "user", "content": "boom"}]}"#, status: 429)
        #expect(limited == ["error": "slow down"])
        let failed = try lines(await host.send(.post, "/api/generate", #"{"model": "m", "prompt": "fail"}"#))
        #expect(failed.map { $0["error"] } == [nil, "overloaded"])
        #expect(failed.first?["response"] == "partial")
    }
}
