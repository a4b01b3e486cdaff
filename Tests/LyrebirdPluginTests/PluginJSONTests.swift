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

    @Test func routesDefaultToHTTPAndSSE() throws {
        let route = try PluginJSON.decode(ProviderRoute.self, from: Array(#"{"method":"POST","path":"/x","operation":"x"}"#.utf8))
        #expect(route == ProviderRoute(method: .post, path: "/x", operation: "x", transports: [.http, .sse]))
    }
}
