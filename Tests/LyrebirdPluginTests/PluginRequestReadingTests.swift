import LyrebirdPluginAPI
import Testing

/// `PluginJSON.request(from:)` and `PluginJSON.headers(from:)` read a canonical request and
/// headers member by member: they must read what the `Decodable` forms read, to the same value,
/// and refuse what they refuse, in the same words.
@Suite struct PluginRequestReadingTests {
    private func requireAgreement(_ json: String) {
        let bytes = Array(json.utf8)
        let byHand = Result { () throws(PluginJSONError) in try PluginJSON.request(from: bytes) }
        let decoded = Result { () throws(PluginJSONError) in try PluginJSON.decode(CanonicalRequest.self, from: bytes) }
        switch (byHand, decoded) {
        case (.success(let read), .success(let expected)):
            #expect(read == expected, "\(json)")
        case (.failure(let read), .failure(let expected)):
            #expect(read.message == expected.message, "\(json)")
        default:
            Issue.record("the two readings disagree on \(json): \(byHand) and \(decoded)")
        }
    }

    @Test func everyFieldReadsAsTheDecodableFormReadsIt() throws {
        let request = CanonicalRequest(
            operation: "chat.completions", model: "m",
            messages: [
                Message(role: .system, text: "be brief"),
                Message(
                    role: .user, content: [.text("look"), .image(url: "data:x"), .other(type: "audio", value: ["f": "wav"])], name: "ann"),
                Message(role: .assistant, content: [], toolCalls: [ToolCall(id: "c1", name: "f", arguments: "{\"a\":1}")]),
                Message(role: .tool, content: [.text("42")], toolCallID: "c1"),
            ],
            tools: [ToolDefinition(name: "f", description: "d", parameters: ["type": "object"]), ToolDefinition(name: "g")],
            toolChoice: .function(name: "f"), responseFormat: .jsonSchema(name: "s", schema: ["type": "object"]),
            sampling: SamplingParameters(temperature: 0.5, topP: 1, maxTokens: 10, stop: ["x"], seed: -3), choiceCount: 2, stream: true,
            includeUsage: true, mockResponse: "fixed", user: "u", body: ["a": [1, 2.5, nil, true]],
            headers: [Header(name: "x", value: "y")], replyKind: .embeddings(dimensions: 8))
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
        // Refusals.
        #"[]"#,
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
        requireAgreement(json)
    }

    @Test(arguments: [
        #"[]"#, #"[{"name":"a","value":"b"},{"name":"c","value":""}]"#, #"{}"#, #"[{"name":"a"}]"#, #"[{"name":"a","value":1}]"#,
        #"[null]"#, #"[{"name":"a","value":"b","extra":true}]"#,
    ])
    func headersReadAsTheDecodableFormReadsThem(_ json: String) throws {
        let bytes = Array(json.utf8)
        let byHand = Result { () throws(PluginJSONError) in try PluginJSON.headers(from: bytes) }
        let decoded = Result { () throws(PluginJSONError) in try PluginJSON.decode([Header].self, from: bytes) }
        switch (byHand, decoded) {
        case (.success(let read), .success(let expected)):
            #expect(read == expected)
            #expect(try PluginJSON.decode([Header].self, from: PluginJSON.headerBytes(read)) == read)
        case (.failure(let read), .failure(let expected)):
            #expect(read.message == expected.message)
        default:
            Issue.record("the two readings disagree on \(json): \(byHand) and \(decoded)")
        }
    }
}
