import Testing

/// The responder served by `lyrebird serve`, called through the OpenAI chat route.
@Suite struct MyPluginTests {
    static let hello = #"{"model": "demo", "messages": [{"role": "user", "content": "hello there"}]}"#

    @Test func answersWholeReplies() async throws {
        let server = try LyrebirdServer()
        defer { server.stop() }
        let (status, body) = try await server.send("POST", "/v1/chat/completions", json: Self.hello)
        #expect(status == 200, "\(body)")
        let choices = try LyrebirdServer.object(body)["choices"] as? [[String: Any]]
        let message = choices?.first?["message"] as? [String: Any]
        #expect(message?["content"] as? String == "HELLO THERE")
    }

    @Test func streamsAWordAtATime() async throws {
        let server = try LyrebirdServer()
        defer { server.stop() }
        let request = #"{"model": "demo", "stream": true, "messages": [{"role": "user", "content": "one two three"}]}"#
        let (status, body) = try await server.send("POST", "/v1/chat/completions", json: request)
        #expect(status == 200)
        let chunks = LyrebirdServer.events(body).filter { $0.data != "[DONE]" }
        let text = try chunks.map { chunk -> String in
            let choices = try LyrebirdServer.object(chunk.data)["choices"] as? [[String: Any]]
            return (choices?.first?["delta"] as? [String: Any])?["content"] as? String ?? ""
        }
        #expect(text.joined() == "ONE TWO THREE")
    }

    @Test func refusesARequestWithoutWords() async throws {
        let server = try LyrebirdServer()
        defer { server.stop() }
        let (status, body) = try await server.send(
            "POST", "/v1/chat/completions", json: #"{"model": "demo", "messages": [{"role": "user", "content": " "}]}"#)
        #expect(status == 400)
        let error = try LyrebirdServer.object(body)["error"] as? [String: Any]
        #expect(error?["param"] as? String == "messages")
    }
}
