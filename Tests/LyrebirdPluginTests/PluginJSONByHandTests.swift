import LyrebirdPluginAPI
import Testing

/// The forms written and read by hand (requests, headers, completed replies) must read what the
/// `Decodable` forms read, to the same value, refuse what they refuse in the same words, and
/// write what the `Encodable` forms write.
@Suite struct PluginJSONByHandTests {
    /// Holds a hand-written reading of `json` to the `Decodable` reading of `Value`.
    private func requireAgreement<Value: Decodable & Equatable>(
        _ json: String, _ byHand: ([UInt8]) throws(PluginJSONError) -> Value
    ) {
        let bytes = Array(json.utf8)
        let read = Result { () throws(PluginJSONError) in try byHand(bytes) }
        let decoded = Result { () throws(PluginJSONError) in try PluginJSON.decode(Value.self, from: bytes) }
        switch (read, decoded) {
        case (.success(let read), .success(let expected)):
            #expect(read == expected, "\(json)")
        case (.failure(let read), .failure(let expected)):
            #expect(read.message == expected.message, "\(json)")
        default:
            Issue.record("the two readings disagree on \(json): \(read) and \(decoded)")
        }
    }

    @Test func everyFieldReadsAsTheDecodableFormReadsIt() throws {
        var request = CanonicalRequest.everyField
        request.mockResponse = "fixed"
        #expect(try PluginJSON.request(from: PluginJSON.requestBytes(request)) == request)
        #expect(try PluginJSON.request(from: PluginJSON.encode(request)) == request)
        let plain = CanonicalRequest(operation: "chat", model: "m", messages: [Message(role: .user, text: "hi")])
        #expect(try PluginJSON.request(from: PluginJSON.requestBytes(plain)) == plain)
    }

    @Test(arguments: [
        // Only operation, model and messages are required; null optional members take their defaults.
        #"{"operation":"chat","model":"m","messages":[]}"#,
        #"{"operation":"chat","model":"m","messages":[],"tools":null,"tool_choice":null,"n":null,"stream":null,"user":null,"body":null,"headers":null}"#,
        #"{"operation":"chat","model":"m","messages":[{"role":"user","content":[{"type":"text","text":"a"}],"tool_calls":null}]}"#,
        // A part of another kind may carry a known kind's name; its value says which it is.
        #"{"operation":"chat","model":"m","messages":[{"role":"user","content":[{"type":"text","value":null},{"type":"image","value":{"u":1}}]}]}"#,
        #"{"operation":"chat","model":"m","messages":[],"n":2.0,"tool_choice":"required","response_format":"jsonObject","reply_kind":"message"}"#,
        // Refusals, the first fault in the Decodable form's order when there are several.
        #"[]"#,
        #"{"":1}"#,
        #"{"operation":"chat","model":"m","messages":[{"role":"user","content":[],"name":1,"tool_calls":7}],"n":"x","headers":1}"#,
        #"{"model":"m","messages":[]}"#,
        #"{"operation":1,"model":"m","messages":[]}"#,
        #"{"operation":null,"model":"m","messages":[]}"#,
        #"{"operation":"chat","model":"m","messages":{}}"#,
        #"{"operation":"chat","model":"m","messages":[{"role":"robot","content":[]}]}"#,
        #"{"operation":"chat","model":"m","messages":[{"role":"user"}]}"#,
        #"{"operation":"chat","model":"m","messages":[{"role":"user","content":[{"type":"text"}]}]}"#,
        #"{"operation":"chat","model":"m","messages":[{"role":"user","content":[{"type":"audio"}]}]}"#,
        #"{"operation":"chat","model":"m","messages":[{"role":"user","content":[],"tool_calls":[{"id":"c","name":"f"}]}]}"#,
        #"{"operation":"chat","model":"m","messages":[],"n":1.5}"#,
        #"{"operation":"chat","model":"m","messages":[],"n":1e300}"#,
        #"{"operation":"chat","model":"m","messages":[],"stream":"yes"}"#,
        #"{"operation":"chat","model":"m","messages":[],"headers":[{"name":"a"}]}"#,
        #"{"operation":"chat","model":"m","messages":[],"tools":[{"description":"d"}]}"#,
        #"{"operation":"chat","model":"m","messages":[],"tool_choice":"sometimes"}"#,
        #"{"operation":"chat","model":"m","messages":[],"sampling":{"temperature":"hot"}}"#,
        #"{"operation":"chat","model":"m","messages":[],}"#,
    ])
    func readingAgreesWithTheDecodableForm(_ json: String) {
        requireAgreement(json) { bytes throws(PluginJSONError) in try PluginJSON.request(from: bytes) }
    }

    @Test(arguments: [
        #"[]"#, #"[{"name":"a","value":"b"},{"name":"c","value":""}]"#, #"{}"#, #"[{"name":"a"}]"#, #"[{"name":"a","value":1}]"#,
        #"[null]"#, #"[{"name":"a","value":"b","extra":true}]"#,
    ])
    func headersReadAsTheDecodableFormReadsThem(_ json: String) throws {
        requireAgreement(json) { bytes throws(PluginJSONError) in try PluginJSON.headers(from: bytes) }
        if let headers = try? PluginJSON.headers(from: Array(json.utf8)) {
            #expect(try PluginJSON.decode([Header].self, from: PluginJSON.headerBytes(headers)) == headers)
        }
    }

    @Test func repliesAreWrittenAsTheirCodableFormIs() throws {
        let replies = [
            CompletedReply(
                choices: [CompletedReply.Choice(index: 0, text: "Hi \"there\"")], usage: Usage(promptTokens: 3, completionTokens: 2)),
            CompletedReply(
                choices: [
                    CompletedReply.Choice(
                        index: 0, text: "", toolCalls: [ToolCall(id: "c1", name: "f", arguments: "{}")], finishReason: .toolCalls,
                        reasoning: "first", redactedReasoning: ["EqQB"]),
                    CompletedReply.Choice(index: 1, text: "b", finishReason: .contentFilter),
                ],
                usage: Usage(promptTokens: 1, completionTokens: 9, cachedTokens: 2, reasoningTokens: 4)),
            CompletedReply(choices: [], usage: Usage(promptTokens: 4, completionTokens: 0), embeddings: [[0.25, -1], [3]]),
        ]
        for reply in replies {
            #expect(try JSONValue.parse(PluginJSON.replyBytes(reply)) == JSONValue.parse(PluginJSON.encode(reply)))
            #expect(try PluginJSON.reply(from: PluginJSON.replyBytes(reply)) == reply)
        }
    }

    @Test(arguments: [
        #"{"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"cached_tokens":0,"reasoning_tokens":0}}"#,
        #"{"choices":[{}],"usage":{"prompt_tokens":1,"completion_tokens":2,"cached_tokens":0,"reasoning_tokens":0},"embeddings":null}"#,
        #"{"choices":[{"index":null,"text":null,"tool_calls":null,"finish_reason":null,"reasoning":null,"redacted_reasoning":null}],"usage":{"prompt_tokens":1,"completion_tokens":2,"cached_tokens":0,"reasoning_tokens":0}}"#,
        #"{"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"cached_tokens":0,"reasoning_tokens":0},"embeddings":[[1,2.5]]}"#,
        #"{"choices":[]}"#,
        #"{"usage":{"prompt_tokens":1,"completion_tokens":2,"cached_tokens":0,"reasoning_tokens":0}}"#,
        #"{"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"cached_tokens":0}}"#,
        #"{"choices":[],"usage":{"prompt_tokens":null,"completion_tokens":2,"cached_tokens":0,"reasoning_tokens":0}}"#,
        #"{"choices":[],"usage":[]}"#,
        #"{"choices":[{"finish_reason":"done"}],"usage":{"prompt_tokens":1,"completion_tokens":2,"cached_tokens":0,"reasoning_tokens":0}}"#,
        #"{"choices":[{"redacted_reasoning":["a",1]}],"usage":{"prompt_tokens":1,"completion_tokens":2,"cached_tokens":0,"reasoning_tokens":0}}"#,
        #"{"choices":[{"tool_calls":[{"id":"c","name":"f","arguments":{}}]}],"usage":{"prompt_tokens":1,"completion_tokens":2,"cached_tokens":0,"reasoning_tokens":0}}"#,
        #"{"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"cached_tokens":0,"reasoning_tokens":0},"embeddings":[["x"]]}"#,
        #"{"choices":"none","usage":{}}"#,
        #"{"choices":[{"index":"0","text":1,"finish_reason":"done"}]}"#,
    ])
    func repliesReadAsTheDecodableFormReadsThem(_ json: String) {
        requireAgreement(json) { bytes throws(PluginJSONError) in try PluginJSON.reply(from: bytes) }
    }
}
