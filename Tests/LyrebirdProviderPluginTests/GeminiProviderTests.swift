import LyrebirdGeminiProvider
import LyrebirdPluginAPI
import Testing

@Suite struct GeminiProviderTests {
    static let fixtures = """
        fixtures:
          - match: {user: hello}
            reply: {content: "Hi there! How can I help you today?"}
          - match: {user: weather}
            reply:
              tool_calls: [{name: get_weather, arguments: {city: Paris}, id: call_fixed}]
          - match: {user: boom}
            reply: {error: {status: 429, message: slow down, retry_after_ms: 1500}}
          - match: {user: fail}
            reply: {responder: failing}
        """
    static let hello = #"{"contents": [{"role": "user", "parts": [{"text": "hello"}]}]}"#

    private func host(strict: Bool = false) throws -> TestHost {
        let failing = Scripted(name: "failing", events: [.text("partial"), .error(ReplyError(status: 503, message: "overloaded"))])
        return try TestHost(Self.fixtures, strict: strict, responders: [failing])
    }

    /// The `data:` payloads of an SSE body, checking the framing Google uses.
    private func events(_ response: WireResponse) throws -> [JSONValue] {
        let body = String(decoding: response.body, as: UTF8.self)
        #expect(body.hasSuffix("\r\n\r\n"))
        return try body.components(separatedBy: "\r\n\r\n").filter { !$0.isEmpty }.map { event in
            #expect(event.hasPrefix("data: "))
            return try JSONValue.parse(String(event.dropFirst("data: ".count)))
        }
    }

    private func candidates(_ response: JSONValue) -> [JSONValue] {
        response["candidates"]?.arrayValue ?? []
    }

    @Test func generateContentIsAnsweredByFixturesUnderBothVersions() async throws {
        let host = try host()
        let reply = try await host.json(.post, "/v1beta/models/gemini-2.0-flash:generateContent", Self.hello)
        #expect(
            candidates(reply) == [
                [
                    "content": ["parts": [["text": "Hi there! How can I help you today?"]], "role": "model"], "finishReason": "STOP",
                    "index": 0,
                ]
            ])
        // 3 + 4 per message + "hello" (2); "Hi there! How can I help you today?" is 12.
        #expect(
            reply["usageMetadata"] == [
                "promptTokenCount": 9, "candidatesTokenCount": 12, "totalTokenCount": 21,
                "promptTokensDetails": [["modality": "TEXT", "tokenCount": 9]],
            ])
        #expect(reply["modelVersion"] == "gemini-2.0-flash")
        #expect(reply["responseId"]?.stringValue?.count == 24)
        let v1 = try await host.json(.post, "/v1/models/gemini-2.0-flash:generateContent", Self.hello)
        #expect(candidates(v1) == candidates(reply))
        #expect(host.host.journal.all.map(\.operation) == ["generateContent", "generateContent"])
    }

    @Test func functionCallsAreCandidateParts() async throws {
        let body = #"{"contents": [{"parts": [{"text": "weather in Paris?"}]}], "generationConfig": {"candidateCount": 2}}"#
        let reply = try await host().json(.post, "/v1beta/models/gemini-2.5-pro:generateContent", body)
        let call: JSONValue = ["functionCall": ["id": "call_fixed", "name": "get_weather", "args": ["city": "Paris"]]]
        #expect(candidates(reply).map { $0["content"]?["parts"] } == [[call], [call]])
        #expect(candidates(reply).map { $0["index"] } == [0, 1])
        #expect(candidates(reply).allSatisfy { $0["finishReason"] == "STOP" })
    }

    @Test func contentsBecomeTheCanonicalConversation() throws {
        let body = """
            {"systemInstruction": {"parts": [{"text": "Be brief."}]},
             "contents": [
               {"role": "user", "parts": [{"text": "weather?"}, {"inlineData": {"mimeType": "image/png", "data": "AAAA"}}]},
               {"role": "model", "parts": [{"text": "Checking."}, {"functionCall": {"name": "get_weather", "args": {"city": "Paris"}}},
                                           {"functionCall": {"id": "t1", "name": "get_time"}}]},
               {"role": "user", "parts": [{"functionResponse": {"name": "get_time", "id": "t1", "response": {"result": "noon"}}},
                                          {"functionResponse": {"name": "get_weather", "response": {"temp": 20}}},
                                          {"text": "thanks"}]}
             ],
             "tools": [{"functionDeclarations": [{"name": "get_weather", "description": "Weather", "parameters_json_schema": {"type": "object"}}]},
                       {"googleSearch": {}}],
             "toolConfig": {"functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": ["get_weather"]}},
             "generation_config": {"temperature": 0.5, "maxOutputTokens": 64, "stopSequences": ["END"], "candidateCount": 2, "seed": 7,
                                   "responseMimeType": "application/json", "responseJsonSchema": {"type": "object"}},
             "mock_response": "canned"}
            """
        let provider = GeminiProvider()
        let wire = WireRequest(
            method: .post, path: "/v1beta/models/gemini-2.5-pro:generateContent", body: Array(body.utf8),
            pathParameters: ["model": "gemini-2.5-pro"])
        let request = try provider.decode(wire, route: provider.routes[0])
        #expect(request.model == "gemini-2.5-pro")
        #expect(request.operation == "generateContent")
        #expect(
            request.messages == [
                Message(role: .system, text: "Be brief."),
                Message(role: .user, content: [.text("weather?"), .image(url: "data:image/png;base64,AAAA")]),
                Message(
                    role: .assistant, content: [.text("Checking.")],
                    toolCalls: [
                        ToolCall(id: "call_1_1", name: "get_weather", arguments: #"{"city":"Paris"}"#),
                        ToolCall(id: "t1", name: "get_time", arguments: "{}"),
                    ]),
                Message(role: .tool, content: [.text("noon")], name: "get_time", toolCallID: "t1"),
                Message(role: .tool, content: [.text(#"{"temp":20}"#)], name: "get_weather", toolCallID: "call_1_1"),
                Message(role: .user, text: "thanks"),
            ])
        #expect(request.tools == [ToolDefinition(name: "get_weather", description: "Weather", parameters: ["type": "object"])])
        #expect(request.toolChoice == .function(name: "get_weather"))
        #expect(request.responseFormat == .jsonSchema(name: "response", schema: ["type": "object"]))
        #expect(request.sampling == SamplingParameters(temperature: 0.5, maxTokens: 64, stop: ["END"], seed: 7))
        #expect(request.choiceCount == 2)
        #expect(request.mockResponse == "canned")
        #expect(!request.stream && request.includeUsage)
    }

    @Test func functionResponsesAnswerTheOldestUnansweredCallByIDOrElseByName() throws {
        let body = """
            {"contents": [
               {"role": "model", "parts": [{"functionCall": {"name": "f"}}, {"functionCall": {"id": "a", "name": "f"}},
                                           {"functionCall": {"id": "a", "name": "g"}}, {"functionCall": {"name": "f"}}]},
               {"role": "user", "parts": [{"functionResponse": {"name": "f", "id": "a"}}, {"functionResponse": {"name": "f"}},
                                          {"functionResponse": {"name": "f"}}, {"functionResponse": {"name": "g", "id": "a"}},
                                          {"functionResponse": {"name": "f"}}, {"functionResponse": {"name": "f", "id": "nope"}}]}
             ]}
            """
        let provider = GeminiProvider()
        let wire = WireRequest(
            method: .post, path: "/v1beta/models/gemini-2.5-pro:generateContent", body: Array(body.utf8),
            pathParameters: ["model": "gemini-2.5-pro"])
        let request = try provider.decode(wire, route: provider.routes[0])
        // The second name-only answer passes over the call already answered by its id; an
        // answer with an unknown id keeps it, one with no id and no call left has none.
        #expect(request.messages.filter { $0.role == .tool }.map(\.toolCallID) == ["a", "call_0_0", "call_0_3", "a", nil, "nope"])
    }

    @Test func streamedTextIsServerSentEventsEndingWithFinishReasonsAndUsage() async throws {
        let body = #"{"contents": [{"parts": [{"text": "hello"}]}], "generationConfig": {"candidateCount": 2}}"#
        let response = try await host().send(.post, "/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse", body)
        #expect(response.status == 200)
        #expect(response.contentType == "text/event-stream")
        let events = try events(response)
        #expect(events.count > 3)
        var texts = ["", ""]
        for event in events.dropLast() {
            let candidate = candidates(event).first
            #expect(candidates(event).count == 1 && candidate?["finishReason"] == nil)
            #expect(event["usageMetadata"]?["promptTokenCount"] == 9 && event["usageMetadata"]?["candidatesTokenCount"] == nil)
            texts[candidate?["index"]?.intValue ?? 0] += candidate?["content"]?["parts"]?.arrayValue?.first?["text"]?.stringValue ?? ""
        }
        #expect(texts == ["Hi there! How can I help you today?", "Hi there! How can I help you today?"])
        let last = try #require(events.last)
        #expect(candidates(last).map { $0["finishReason"] } == ["STOP", "STOP"])
        #expect(candidates(last).map { $0["content"]?["parts"] } == [[["text": ""]], [["text": ""]]])
        #expect(last["usageMetadata"]?["candidatesTokenCount"] == 24 && last["usageMetadata"]?["totalTokenCount"] == 33)
    }

    @Test func streamedFunctionCallsArriveWholeInOneEvent() async throws {
        let body = #"{"contents": [{"parts": [{"text": "weather?"}]}]}"#
        let events = try events(try await host().send(.post, "/v1/models/gemini-2.0-flash:streamGenerateContent?alt=sse", body))
        #expect(events.count == 2)
        #expect(
            events.first.map(candidates)?.first?["content"]?["parts"] == [
                ["functionCall": ["id": "call_fixed", "name": "get_weather", "args": ["city": "Paris"]]]
            ])
        #expect(events.last.map(candidates)?.first?["finishReason"] == "STOP")
    }

    @Test func withoutAltSSEAStreamIsAJSONArrayOfOneResponse() async throws {
        let host = try host()
        let reply = try await host.json(.post, "/v1beta/models/gemini-2.0-flash:streamGenerateContent", Self.hello)
        let whole = try await host.json(.post, "/v1beta/models/gemini-2.0-flash:generateContent", Self.hello)
        #expect(reply.arrayValue?.count == 1)
        #expect(reply.arrayValue?.first.map(candidates) == candidates(whole))
        #expect(host.host.journal.all.first?.operation == "streamGenerateContent")
    }

    @Test func anErrorPartWayIsAnErrorEvent() async throws {
        let body = #"{"contents": [{"parts": [{"text": "fail"}]}]}"#
        let events = try events(try await host().send(.post, "/v1beta/models/m:streamGenerateContent?alt=sse", body))
        #expect(events.count == 2)
        #expect(events.last == ["error": ["code": 503, "message": "overloaded", "status": "UNAVAILABLE"]])
    }

    @Test func countTokensAgreesWithThePromptTokensOfTheSameRequest() async throws {
        let host = try host()
        let contents = """
            "contents": [
              {"role": "user", "parts": [{"text": "Héllo, wörld! 12345 😀 naïve—test\\n\\tend"}]},
              {"role": "model", "parts": [{"functionCall": {"name": "lookup", "args": {"q": "x y"}}}]},
              {"role": "user", "parts": [{"functionResponse": {"name": "lookup", "response": {"result": "found it"}}}]}]
            """
        let generated = try await host.json(.post, "/v1beta/models/gemini-2.0-flash:generateContent", "{\(contents)}")
        let counted = try await host.json(.post, "/v1beta/models/gemini-2.0-flash:countTokens", "{\(contents)}")
        #expect(counted["totalTokens"] == generated["usageMetadata"]?["promptTokenCount"])
        #expect(counted["promptTokensDetails"] == [["modality": "TEXT", "tokenCount": counted["totalTokens"] ?? .null]])

        let request = """
            {\(contents), "systemInstruction": {"parts": [{"text": "Be brief."}]},
             "tools": [{"functionDeclarations": [{"name": "lookup", "description": "Finds", "parameters": {"type": "OBJECT"}}]}]}
            """
        let full = try await host.json(.post, "/v1/models/gemini-2.0-flash:generateContent", request)
        let wrapped = try await host.json(.post, "/v1/models/gemini-2.0-flash:countTokens", #"{"generateContentRequest": \#(request)}"#)
        #expect(wrapped["totalTokens"] == full["usageMetadata"]?["promptTokenCount"])
        #expect(wrapped["totalTokens"] != counted["totalTokens"])
        #expect(host.host.journal.all.filter { $0.operation == "countTokens" }.allSatisfy { $0.source == "provider" })
    }

    @Test func theModelListAndCountTokensNeedNoFixtures() async throws {
        let yaml = """
            settings: {models: [my-model]}
            fixtures:
              - {match: {model: fixture-model, user: nothing-sends-this}, reply: {content: x}}
            """
        let host = try TestHost(yaml, strict: true)
        let list = try await host.json(.get, "/v1beta/models")
        let names = list["models"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        #expect(Array(names.prefix(2)) == ["models/my-model", "models/fixture-model"])
        #expect(names.contains("models/gemini-2.0-flash") && names.contains("models/gpt-4o"))
        #expect(Set(names).count == names.count)
        #expect(list["nextPageToken"] == nil)

        let page = try await host.json(.get, "/v1beta/models?pageSize=2")
        #expect(page["models"]?.arrayValue?.count == 2 && page["nextPageToken"] == "2")
        let next = try await host.json(.get, "/v1beta/models?pageSize=2&pageToken=2")
        #expect(next["models"]?.arrayValue?.first?["name"]?.stringValue == names[2])
        let badToken = try await host.json(.get, "/v1beta/models?pageToken=zz", status: 400)
        #expect(badToken["error"]?["status"] == "INVALID_ARGUMENT")

        let model = try await host.json(.get, "/v1beta/models/gemini-2.5-flash")
        #expect(model["name"] == "models/gemini-2.5-flash" && model["displayName"] == "Gemini 2.5 Flash")
        #expect(model["supportedGenerationMethods"] == ["generateContent", "countTokens"])
        let missing = try await host.json(.get, "/v1beta/models/nope", status: 404)
        #expect(missing["error"]?["status"] == "NOT_FOUND" && missing["error"]?["code"] == 404)
        #expect(missing["error"]?["message"]?.stringValue?.hasPrefix("models/nope is not found for API version v1beta") == true)

        let counted = try await host.json(.post, "/v1beta/models/fixture-model:countTokens", Self.hello)
        #expect(counted["totalTokens"] == 9)
        // Content generation still takes the fixtures, and strict mode refuses it.
        let refused = try await host.json(.post, "/v1beta/models/fixture-model:generateContent", Self.hello, status: 404)
        #expect(refused["error"]?["status"] == "NOT_FOUND")
        #expect(refused["error"]?["message"]?.stringValue?.hasPrefix("No fixture matched") == true)
    }

    @Test func badRequestsGetGooglesErrorShapeNamingTheField() async throws {
        let host = try host()
        let path = "/v1beta/models/gemini-2.0-flash:generateContent"
        let badRole = try await host.json(.post, path, #"{"contents": [{"role": "assistant", "parts": [{"text": "x"}]}]}"#, status: 400)
        #expect(
            badRole == [
                "error": [
                    "code": 400, "message": "Please use a valid role: user, model.", "status": "INVALID_ARGUMENT",
                    "details": [
                        [
                            "@type": "type.googleapis.com/google.rpc.BadRequest",
                            "fieldViolations": [["field": "contents[0].role", "description": "Please use a valid role: user, model."]],
                        ]
                    ],
                ]
            ])
        let cases: [(String, String)] = [
            (#"{}"#, "* GenerateContentRequest.contents: contents is not specified"),
            (#"{"contents": [{"parts": []}]}"#, "* GenerateContentRequest.contents[0].parts: contents.parts must not be empty."),
            (
                #"{"contents": [{"parts": [{"text": "x"}]}], "generationConfig": {"temperature": "hot"}}"#,
                #"Invalid value at 'generation_config.temperature' (TYPE_FLOAT), "hot""#
            ),
            (
                #"{"contents": [{"parts": [{"text": "x"}]}], "generation_config": {"candidate_count": 9}}"#,
                "* GenerateContentRequest.generation_config.candidate_count: must be in the range [1, 8]."
            ),
            (
                #"{"contents": [{"parts": [{"text": "x"}]}], "toolConfig": {"functionCallingConfig": {"mode": "SOMETIMES"}}}"#,
                #"Invalid value at 'tool_config.function_calling_config.mode' (type.googleapis.com/google.ai.generativelanguage.v1beta.FunctionCallingConfig.Mode), "SOMETIMES""#
            ),
            ("[1]", "Invalid JSON payload received. Expected an object, but got array instead."),
        ]
        for (body, message) in cases {
            let error = try await host.json(.post, path, body, status: 400)
            #expect(error["error"]?["message"]?.stringValue == message)
            #expect(error["error"]?["status"] == "INVALID_ARGUMENT")
        }
    }

    @Test func fixtureErrorsAndUnknownPathsUseGooglesShape() async throws {
        let host = try host()
        let body = #"{"contents": [{"parts": [{"text": "boom"}]}]}"#
        let limited = await host.send(.post, "/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse", body)
        #expect(limited.status == 429)
        #expect(limited.headers.contains(Header(name: "retry-after", value: "2")))
        #expect(
            try JSONValue.parse(limited.body) == [
                "error": [
                    "code": 429, "message": "slow down", "status": "RESOURCE_EXHAUSTED",
                    "details": [["@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "1.500s"]],
                ]
            ])
        let unknown = try await host.json(.post, "/v1beta/cachedContents", "{}", status: 404)
        #expect(unknown["error"]?["status"] == "NOT_FOUND")
        #expect(unknown["error"]?["details"]?.arrayValue?.first?["reason"] == "UNKNOWN_URL")
    }
}
