import Testing

/// The plugin served by `lyrebird serve`, called over HTTP as a client calls it.
@Suite struct MyPluginTests {
    @Test func answersFromFixtures() async throws {
        let server = try LyrebirdServer()
        defer { server.stop() }
        let (status, body) = try await server.send("POST", "/my-plugin/v1/generate", json: #"{"model": "demo", "prompt": "hello"}"#)
        #expect(status == 200, "\(body)")
        let reply = try LyrebirdServer.object(body)
        #expect(reply["text"] as? String == "Hello from my-plugin!")
        #expect(reply["finish_reason"] as? String == "stop")
        #expect((reply["id"] as? String)?.hasPrefix("gen_") == true)
    }

    @Test func streamsTextThenDone() async throws {
        let server = try LyrebirdServer()
        defer { server.stop() }
        let (status, body) = try await server.send(
            "POST", "/my-plugin/v1/generate", json: #"{"model": "demo", "prompt": "hello", "stream": true}"#)
        #expect(status == 200)
        let events = LyrebirdServer.events(body)
        #expect(events.last?.event == "done")
        let texts = try events.filter { $0.event == "text" }.map { try LyrebirdServer.object($0.data)["text"] as? String ?? "" }
        #expect(texts.joined() == "Hello from my-plugin!")
    }

    @Test func namesTheParameterAtFault() async throws {
        let server = try LyrebirdServer()
        defer { server.stop() }
        let (status, body) = try await server.send("POST", "/my-plugin/v1/generate", json: #"{"model": "demo"}"#)
        #expect(status == 400)
        let error = try LyrebirdServer.object(body)["error"] as? [String: Any]
        #expect(error?["param"] as? String == "prompt")
    }

    @Test func fixtureErrorsTakeThisFormatsShape() async throws {
        let server = try LyrebirdServer()
        defer { server.stop() }
        let (status, body) = try await server.send("POST", "/my-plugin/v1/generate", json: #"{"model": "demo", "prompt": "fail"}"#)
        #expect(status == 429)
        let error = try LyrebirdServer.object(body)["error"] as? [String: Any]
        #expect(error?["message"] as? String == "slow down")
    }

    @Test func answersTheModelRouteItself() async throws {
        let server = try LyrebirdServer()
        defer { server.stop() }
        let (status, body) = try await server.send("GET", "/my-plugin/v1/models/my-plugin-small")
        #expect(status == 200, "\(body)")
        #expect(try LyrebirdServer.object(body)["owned_by"] as? String == "my-plugin")
        let missing = try await server.send("GET", "/my-plugin/v1/models/nothing")
        #expect(missing.status == 404)
    }
}
