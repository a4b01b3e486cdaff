import LyrebirdPluginAPI
import Testing

/// The JSON forms that cross the plugin ABI: what the docs promise plugin authors.
@Suite struct PluginJSONTests {
    @Test(arguments: [
        ReplyEvent.text("Hi \"there\""),
        .toolCallStart(index: 1, id: "call_1", name: "get_weather"),
        .toolCallArguments(index: 1, fragment: "{\"city\":"),
        .finish(.toolCalls),
        .usage(Usage(promptTokens: 3, completionTokens: 5, cachedTokens: 1)),
        .error(ReplyError(status: 429, message: "slow down", retryAfterMilliseconds: 10)),
    ])
    func replyEventsRoundTrip(_ event: ReplyEvent) throws {
        #expect(try PluginJSON.decode(ReplyEvent.self, from: PluginJSON.encode(event)) == event)
    }

    @Test func handWrittenEventsUseTheDocumentedForms() throws {
        #expect(try PluginJSON.decode(ReplyEvent.self, from: Array(#"{"type":"text","text":"a"}"#.utf8)) == .text("a"))
        #expect(try PluginJSON.decode(ReplyEvent.self, from: Array(#"{"type":"finish"}"#.utf8)) == .finish(.stop))
        // An error needs only status and message; the type follows from the status.
        let error = try PluginJSON.decode(ReplyEvent.self, from: Array(#"{"type":"error","error":{"status":404,"message":"no"}}"#.utf8))
        #expect(error == .error(ReplyError(status: 404, message: "no", type: "invalid_request_error")))
    }

    @Test func unknownEventTypesAreRefusedWithTheirName() {
        #expect(throws: PluginJSONError.self) { try PluginJSON.decode(ReplyEvent.self, from: Array(#"{"type":"sparkle"}"#.utf8)) }
    }

    @Test func completedRepliesRoundTrip() throws {
        let reply = CompletedReply(
            choices: [
                CompletedReply.Choice(
                    index: 0, text: "Hi", toolCalls: [ToolCall(id: "c", name: "f", arguments: "{}")], finishReason: .toolCalls)
            ],
            usage: Usage(promptTokens: 2, completionTokens: 1))
        #expect(try PluginJSON.decode(CompletedReply.self, from: PluginJSON.encode(reply)) == reply)
    }

    @Test func requestsCarryTheConvenienceFieldsAndStillDecode() throws {
        let request = CanonicalRequest(
            operation: "chat.completions", model: "m",
            messages: [Message(role: .system, text: "be brief"), Message(role: .user, text: "hello")])
        let bytes = PluginJSON.requestBytes(request)
        let json = try JSONValue.parse(bytes)
        #expect(json["last_user_text"] == "hello")
        #expect(json["system_text"] == "be brief")
        #expect(try PluginJSON.decode(CanonicalRequest.self, from: bytes) == request)
    }

    @Test func requestsAreWrittenAsTheirCodableFormIs() throws {
        let request = CanonicalRequest(
            operation: "chat.completions", model: "m",
            messages: [
                Message(role: .system, text: "be brief"),
                Message(
                    role: .user, content: [.text("look"), .image(url: "data:x"), .other(type: "audio", value: ["format": "wav"])],
                    name: "ann"),
                Message(role: .assistant, content: [], toolCalls: [ToolCall(id: "c1", name: "f", arguments: #"{"a":"\n"}"#)]),
                Message(role: .tool, content: [.text("42")], toolCallID: "c1"),
            ],
            tools: [ToolDefinition(name: "f", description: "d", parameters: ["type": "object"])],
            toolChoice: .function(name: "f"), responseFormat: .jsonObject,
            sampling: SamplingParameters(temperature: 0.5, topP: 1, maxTokens: 7, stop: ["x"], seed: 3),
            choiceCount: 2, stream: true, includeUsage: true, mockResponse: "mock", user: "u",
            body: ["model": "m", "nested": ["a": [1, 2.5, "é", nil, true]]],
            headers: [Header(name: "x-a", value: "b")], replyKind: .embeddings(dimensions: 8))
        for request in [request, CanonicalRequest(operation: "o", model: "m", messages: [Message(role: .user, text: "hi")])] {
            guard case .object(var expected) = try JSONValue.parse(PluginJSON.encode(request)) else {
                Issue.record("a request encodes as an object")
                return
            }
            expected["last_user_text"] = .string(request.lastUserText)
            expected["system_text"] = .string(request.systemText)
            #expect(try JSONValue.parse(PluginJSON.requestBytes(request)) == .object(expected))
            #expect(try PluginJSON.decode(CanonicalRequest.self, from: PluginJSON.requestBytes(request)) == request)
        }
    }

    @Test func partsOfOtherKindsNamedLikeKnownOnesCrossTheABIUnchanged() throws {
        let request = CanonicalRequest(
            operation: "o", model: "m",
            messages: [
                Message(
                    role: .user,
                    content: [.other(type: "text", value: ["text": nil]), .other(type: "image", value: ["x": 1]), .text("t")])
            ])
        #expect(try PluginJSON.decode(CanonicalRequest.self, from: PluginJSON.requestBytes(request)) == request)
        #expect(try PluginJSON.decode(CanonicalRequest.self, from: PluginJSON.encode(request)) == request)
    }

    @Test func routesDefaultToHTTPAndSSE() throws {
        let route = try PluginJSON.decode(ProviderRoute.self, from: Array(#"{"method":"POST","path":"/x","operation":"x"}"#.utf8))
        #expect(route == ProviderRoute(method: .post, path: "/x", operation: "x", transports: [.http, .sse]))
        #expect(route.webSocketFraming == .envelope(prefix: "x"))
    }

    @Test func routesCarryTheirWebSocketFraming() throws {
        let json =
            #"{"method":"GET","path":"/ws","operation":"op","transports":["websocket"],"websocket_framing":{"style":"events","request_type":"op.create"}}"#
        let route = try PluginJSON.decode(ProviderRoute.self, from: Array(json.utf8))
        #expect(route.transports == [.websocket])
        #expect(route.webSocketFraming == .events(requestType: "op.create"))
        for framing in [WebSocketFraming.events(requestType: "t"), .envelope(prefix: "p")] {
            let route = ProviderRoute(method: .post, path: "/x", operation: "x", webSocketFraming: framing)
            #expect(try PluginJSON.decode(ProviderRoute.self, from: PluginJSON.encode(route)) == route)
        }
        let unknown = #"{"method":"GET","path":"/ws","operation":"op","websocket_framing":{"style":"smoke"}}"#
        #expect(throws: PluginJSONError.self) { try PluginJSON.decode(ProviderRoute.self, from: Array(unknown.utf8)) }
    }

    @Test func jsonValuesInsideTypesAreTheParsersValues() throws {
        // Decoded a kind at a time through `Decoder`, `1.0` would come back an integer and the
        // first of two repeated keys would win; the parser keeps the double and the last key.
        let tool = try PluginJSON.decode(ToolDefinition.self, from: Array(#"{"name":"f","parameters":{"max":1.0,"k":1,"k":2}}"#.utf8))
        #expect(tool.parameters == ["max": .number(1), "k": 2])
        let parts = try PluginJSON.decode(
            [ContentPart].self, from: Array(#"[{"type":"text","text":"a"},{"type":"audio","value":{"data":[2.0,{"x":null}]}}]"#.utf8))
        #expect(parts == [.text("a"), .other(type: "audio", value: ["data": [.number(2), ["x": nil]]])])
        let format = try PluginJSON.decode(ResponseFormat.self, from: Array(#"{"jsonSchema":{"name":"s","schema":{"max":3.0}}}"#.utf8))
        #expect(format == .jsonSchema(name: "s", schema: ["max": .number(3)]))
        #expect(try PluginJSON.decode(JSONValue.self, from: Array("[4.0]".utf8)) == [.number(4)])
    }

    @Test func wholeDoublesCrossTheABIAsDoubles() throws {
        // Found by fuzz-plugin-json: written as `3`, a whole double read back as an integer.
        let format = ResponseFormat.jsonSchema(name: "s", schema: ["max": .number(3), "min": .integer(3)])
        #expect(String(decoding: PluginJSON.encode(format), as: UTF8.self).contains(#""max":3.0"#))
        #expect(try PluginJSON.decode(ResponseFormat.self, from: PluginJSON.encode(format)) == format)
        let request = CanonicalRequest(
            operation: "chat.completions", model: "m", messages: [Message(role: .user, text: "hi")],
            body: ["temperature": .number(1), "n": .integer(1), "top_p": .number(-0.0)])
        #expect(try PluginJSON.decode(CanonicalRequest.self, from: PluginJSON.requestBytes(request)) == request)
        #expect(try PluginJSON.decode(CanonicalRequest.self, from: PluginJSON.encode(request)) == request)
    }

    @Test func deeplyNestedRequestBodiesCrossTheABI() throws {
        // The deepest body a client may send, many times over.
        var deep: JSONValue = "leaf"
        for _ in 0..<JSONValue.defaultMaximumDepth - 2 { deep = [deep] }
        let body: JSONValue = ["siblings": .array(Array(repeating: deep, count: 200))]
        let request = CanonicalRequest(operation: "chat.completions", model: "m", messages: [Message(role: .user, text: "hi")], body: body)
        #expect(try PluginJSON.decode(CanonicalRequest.self, from: PluginJSON.requestBytes(request)) == request)
    }

    @Test func malformedJSONIsRefusedWithTheParsersMessage() {
        let error = #expect(throws: PluginJSONError.self) {
            try PluginJSON.decode(ReplyEvent.self, from: Array(#"{"type":"text","text":"a",}"#.utf8))
        }
        #expect(error?.message == "Unexpected character '}' at byte 26")
    }

    @Test func everyCanonicalFieldRoundTripsInItsDocumentedForm() throws {
        let request = CanonicalRequest.everyField
        let json = try JSONValue.parse(PluginJSON.encode(request))
        #expect(json["tool_choice"] == ["function": ["name": "f"]])
        #expect(json["response_format"] == ["jsonSchema": ["name": "s", "schema": ["type": "object"]]])
        #expect(json["reply_kind"] == ["embeddings": ["dimensions": 8]])
        #expect(json["mock_response"] == nil)
        #expect(json["messages"]?.arrayValue?[1]["content"]?.arrayValue?.count == 3)
        #expect(json["tools"]?.arrayValue?[1] == ["name": "g"])
        #expect(try PluginJSON.decode(CanonicalRequest.self, from: PluginJSON.requestBytes(request)) == request)
        // What a plugin built before `reply_kind` sends back still decodes.
        var older = json.objectValue ?? [:]
        older["reply_kind"] = nil
        let decoded = try PluginJSON.decode(CanonicalRequest.self, from: Array(JSONValue.object(older).serialized.utf8))
        #expect(decoded.replyKind == .message)
    }
}
