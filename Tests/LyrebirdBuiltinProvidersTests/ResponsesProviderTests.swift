import Foundation
import LyrebirdBuiltinProviders
import LyrebirdHost
import LyrebirdPluginAPI
import Testing

/// Emits the events it is given, for replies no fixture can describe.
private struct Scripted: Responder {
    let name: String
    let events: [ReplyEvent]

    func respond(to request: CanonicalRequest, parameters: JSONValue, into sink: any ReplySink) async throws {
        for event in events { await sink.emit(event) }
    }
}

@Suite struct ResponsesProviderTests {
    private let route = ProviderRoute(method: .post, path: "/v1/responses", operation: "responses")

    private func host(_ provider: ResponsesProvider, _ yaml: String = "fixtures: []", responders: [any Responder] = []) throws
        -> LyrebirdHost
    {
        try LyrebirdHost(configuration: try HostConfiguration(yaml: yaml), providers: [provider], responders: responders)
    }

    private func create(_ host: LyrebirdHost, _ body: String) async throws -> JSONValue {
        let response = await host.respond(to: WireRequest(method: .post, path: "/v1/responses", body: Array(body.utf8)))
        #expect(response.status == 200)
        return try JSONValue.parse(response.body)
    }

    /// The events of an SSE body as (type, data) pairs, checking that each names its own type.
    private func sse(_ response: WireResponse) throws -> [(type: String, data: JSONValue)] {
        try String(decoding: response.body, as: UTF8.self).components(separatedBy: "\n\n").filter { !$0.isEmpty }.map { block in
            let lines = block.components(separatedBy: "\n")
            #expect(lines.count == 2)
            let type = String(lines[0].dropFirst("event: ".count))
            let data = try JSONValue.parse(String(lines[1].dropFirst("data: ".count)))
            #expect(data["type"]?.stringValue == type)
            return (type, data)
        }
    }

    @Test func inputItemsBecomeTheCanonicalConversation() throws {
        let body = """
            {"model": "gpt-4o", "instructions": "Be brief.",
             "input": [
               {"role": "user", "content": [{"type": "input_text", "text": "weather?"}, {"type": "input_image", "image_url": "data:x"}]},
               {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "Checking."}]},
               {"type": "function_call", "call_id": "call_1", "name": "get_weather", "arguments": "{}"},
               {"type": "function_call", "call_id": "call_2", "name": "get_time", "arguments": "{}"},
               {"type": "function_call_output", "call_id": "call_1", "output": "sunny"},
               {"type": "function_call_output", "call_id": "call_2", "output": [{"type": "input_text", "text": "noon"}]},
               {"type": "reasoning", "id": "rs_1", "summary": []}
             ],
             "tools": [{"type": "function", "name": "get_weather", "description": "Weather", "parameters": {"type": "object"}},
                       {"type": "web_search"}],
             "tool_choice": {"type": "function", "name": "get_weather"},
             "text": {"format": {"type": "json_schema", "name": "answer", "schema": {"type": "object"}, "strict": true}},
             "max_output_tokens": 64, "temperature": 0.5, "user": "u1"}
            """
        let request = try ResponsesProvider().decode(
            WireRequest(method: .post, path: "/v1/responses", body: Array(body.utf8)), route: route)
        #expect(request.operation == "responses")
        #expect(request.messages.map(\.role) == [.system, .user, .assistant, .tool, .tool])
        #expect(request.messages[0].text == "Be brief.")
        #expect(request.messages[1].content == [.text("weather?"), .image(url: "data:x")])
        #expect(request.messages[2].text == "Checking.")
        #expect(request.messages[2].toolCalls.map(\.id) == ["call_1", "call_2"])
        #expect(request.messages[3].toolCallID == "call_1" && request.messages[3].text == "sunny")
        #expect(request.messages[4].toolCallID == "call_2" && request.messages[4].text == "noon")
        #expect(request.lastUserText == "weather?")
        #expect(request.systemText == "Be brief.")
        #expect(request.tools == [ToolDefinition(name: "get_weather", description: "Weather", parameters: ["type": "object"])])
        #expect(request.toolChoice == .function(name: "get_weather"))
        #expect(request.responseFormat == .jsonSchema(name: "answer", schema: ["type": "object"]))
        #expect(request.sampling.maxTokens == 64 && request.sampling.temperature == 0.5)
        #expect(request.user == "u1")
        #expect(request.stream == false)
    }

    @Test func aPreviousResponseIsPrependedButNotItsInstructions() async throws {
        let provider = ResponsesProvider()
        let host = try host(provider, "fixtures: [{match: {user: first}, reply: {content: First answer.}}]")
        let first = try await create(host, #"{"model": "m", "instructions": "Old rules.", "input": "first"}"#)
        let id = try #require(first["id"]?.stringValue)
        let body = #"{"model": "m", "instructions": "New rules.", "previous_response_id": "\#(id)", "input": "second"}"#
        let request = try provider.decode(WireRequest(method: .post, path: "/v1/responses", body: Array(body.utf8)), route: route)
        #expect(request.messages.map(\.role) == [.system, .user, .assistant, .user])
        #expect(request.messages.map(\.text) == ["New rules.", "first", "First answer.", "second"])
    }

    @Test func theStoreKeepsTheMostRecentResponses() async throws {
        let host = try host(ResponsesProvider(storedResponseLimit: 2), "fixtures: [{reply: {content: ok}}]")
        var ids: [String] = []
        for _ in 0..<3 {
            ids.append(try #require(try await create(host, #"{"model": "m", "input": "x"}"#)["id"]?.stringValue))
        }
        func status(_ method: HTTPMethodName, _ id: String) async -> Int {
            await host.respond(to: WireRequest(method: method, path: "/v1/responses/\(id)")).status
        }
        // Memory keeps the last two; the host's store keeps the first too, and brings it back.
        #expect(await status(.get, ids[0]) == 200)
        #expect(await status(.get, ids[1]) == 200)
        #expect(await status(.delete, ids[1]) == 200)
        #expect(await status(.get, ids[1]) == 404)
        #expect(await status(.delete, ids[1]) == 404)
        let fourth = try #require(try await create(host, #"{"model": "m", "input": "x"}"#)["id"]?.stringValue)
        #expect(await status(.get, ids[2]) == 200, "a deleted response leaves room instead of pushing another out")
        #expect(await status(.get, fourth) == 200)
    }

    @Test func theStoreHoldsAtMostItsBytes() async throws {
        // Each response holds a 2,000-byte input; three fit in 8,000 bytes, with their bodies.
        let host = try host(ResponsesProvider(storedResponseBytes: 8_000), "fixtures: [{reply: {content: ok}}]")
        let input = String(repeating: "w ", count: 1_000)
        var ids: [String] = []
        for _ in 0..<6 {
            ids.append(try #require(try await create(host, #"{"model": "m", "input": "\#(input)"}"#)["id"]?.stringValue))
        }
        func status(_ id: String) async -> Int {
            await host.respond(to: WireRequest(method: .get, path: "/v1/responses/\(id)")).status
        }
        // Memory holds three at most; the host's store has the others.
        #expect(await status(ids[0]) == 200)
        #expect(await status(ids[5]) == 200)
        // One request whose input alone is over the bound gets its reply, and is not kept.
        let huge = try #require(
            try await create(host, #"{"model": "m", "input": "\#(String(repeating: "w ", count: 5_000))"}"#)["id"]?.stringValue)
        #expect(await status(huge) == 404)
        #expect(await status(ids[5]) == 200, "a response too large to keep pushes nothing out")
    }

    @Test func manySmallItemsCountWhatTheyTakeInMemory() async throws {
        // A thousand one-letter messages take some 400 KB in memory, not their 17 KB of JSON:
        // a bound of 200,000 bytes cannot keep them, while one message of 2,000 bytes fits.
        let host = try host(ResponsesProvider(storedResponseBytes: 200_000), "fixtures: [{reply: {content: ok}}]")
        let items = Array(repeating: #"{"role": "user", "content": "a"}"#, count: 1_000).joined(separator: ",")
        let many = try #require(try await create(host, #"{"model": "m", "input": [\#(items)]}"#)["id"]?.stringValue)
        let one = try #require(
            try await create(host, #"{"model": "m", "input": "\#(String(repeating: "w ", count: 1_000))"}"#)["id"]?.stringValue)
        func status(_ id: String) async -> Int {
            await host.respond(to: WireRequest(method: .get, path: "/v1/responses/\(id)")).status
        }
        #expect(await status(many) == 404)
        #expect(await status(one) == 200)
    }

    @Test func interleavedToolCallFragmentsKeepEveryArgument() async throws {
        let responder = Scripted(
            name: "interleaved",
            events: [
                .toolCallStart(index: 0, id: "call_a", name: "a"), .toolCallArguments(index: 0, fragment: #"{"x":"#),
                .toolCallStart(index: 1, id: "call_b", name: "b"), .toolCallArguments(index: 1, fragment: "{}"),
                .toolCallArguments(index: 0, fragment: "1}"), .finish(.toolCalls),
            ])
        let host = try host(ResponsesProvider(), "fixtures: [{reply: {responder: interleaved}}]", responders: [responder])
        let response = await host.respond(
            to: WireRequest(method: .post, path: "/v1/responses", body: Array(#"{"model": "m", "input": "x", "stream": true}"#.utf8)))
        let events = try sse(response)
        #expect(events.map { $0.data["sequence_number"]?.intValue } == Array(0..<events.count).map { $0 })
        let added = events.filter { $0.type == "response.output_item.added" }.compactMap { $0.data["item"]?["id"]?.stringValue }
        let deltas = events.filter { $0.type == "response.function_call_arguments.delta" }
        #expect(deltas.compactMap { $0.data["item_id"]?.stringValue } == [added[0], added[1], added[0]])
        #expect(deltas.compactMap { $0.data["output_index"]?.intValue } == [0, 1, 0])
        let output = events.last?.data["response"]?["output"]?.arrayValue ?? []
        #expect(events.last?.type == "response.completed")
        #expect(output.compactMap { $0["arguments"]?.stringValue } == [#"{"x":1}"#, "{}"])
        #expect(output.compactMap { $0["call_id"]?.stringValue } == ["call_a", "call_b"])
    }

    @Test func anEmptyReplyIsAnEmptyMessageWholeOrStreamed() async throws {
        let host = try host(
            ResponsesProvider(), "fixtures: [{reply: {responder: silent}}]", responders: [Scripted(name: "silent", events: [])])
        let whole = try await create(host, #"{"model": "m", "input": "x"}"#)
        let streamed = try sse(
            await host.respond(
                to: WireRequest(method: .post, path: "/v1/responses", body: Array(#"{"model": "m", "input": "x", "stream": true}"#.utf8))))
        #expect(
            streamed.map(\.type) == [
                "response.created", "response.in_progress", "response.output_item.added", "response.content_part.added",
                "response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed",
            ])
        for output in [whole["output"], streamed.last?.data["response"]?["output"]] {
            #expect(output?.arrayValue?.count == 1)
            #expect(output?.arrayValue?.first?["content"]?.arrayValue?.first?["text"] == "")
        }
    }
}
