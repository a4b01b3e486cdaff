import Foundation
import LyrebirdBuiltinProviders
import LyrebirdHost
import LyrebirdPluginAPI
import Testing

/// A provider with a route it answers itself, a parameter inside a segment, and an HTTP-only
/// route, as a plugin author would write one.
private struct ToyProvider: Provider {
    let name = "toy"
    let routes = [
        ProviderRoute(method: .get, path: "/toy/models", operation: "models", transports: [.http], answeredBy: .provider),
        ProviderRoute(method: .post, path: "/toy/m/{model}:generate", operation: "generate", transports: [.http]),
        ProviderRoute(method: .post, path: "/toy/m/{model}:stream", operation: "stream"),
        ProviderRoute(method: .post, path: "/toy/m/{model}:events", operation: "events", transports: [.sse]),
    ]
    let models = ["toy-small", "toy-large"]

    func decode(_ request: WireRequest, route: ProviderRoute) throws(ReplyError) -> CanonicalRequest {
        let fields = try RequestFields(parsing: request.body)
        return CanonicalRequest(
            operation: route.operation, model: request.pathParameters["model"] ?? "?",
            messages: [Message(role: .user, text: try fields.string("prompt") ?? "")], stream: try fields.bool("stream") ?? false)
    }

    func encode(_ reply: CompletedReply, for request: CanonicalRequest, context: ReplyContext) -> WireResponse {
        var writer = JSONWriter()
        writer.object { writer in
            writer.member("model", context.model)
            writer.member("text", reply.choices.first?.text ?? "")
        }
        return WireResponse(status: 200, body: writer.bytes)
    }

    func makeStreamEncoder(for request: CanonicalRequest, context: ReplyContext) -> any StreamEncoder {
        ToyStream()
    }

    func encode(_ error: ReplyError, for request: CanonicalRequest?, context: ReplyContext) -> WireResponse {
        var writer = JSONWriter()
        writer.object { writer in writer.member("toy_error", error.message) }
        return WireResponse(status: error.status, body: writer.bytes)
    }

    func answer(_ request: WireRequest, route: ProviderRoute, host: HostInfo, context: ReplyContext) async -> WireResponse {
        var writer = JSONWriter()
        writer.object { writer in
            writer.member("models", array: { writer in for model in host.models { writer.string("\(model.ownedBy)/\(model.id)") } })
        }
        return WireResponse(status: 200, body: writer.bytes)
    }
}

private struct ToyStream: StreamEncoder {
    let contentType = "text/plain"
    mutating func start() -> [UInt8] { [] }
    mutating func encode(_ event: ReplyEvent, choice: Int) -> [UInt8] {
        if case .text(let text) = event { return Array(text.utf8) }
        return []
    }
    mutating func finish() -> [UInt8] { Array("|end".utf8) }
}

@Suite struct ProviderRoutesTests {
    private func host(_ yaml: String) throws -> LyrebirdHost {
        try LyrebirdHost(configuration: try HostConfiguration(yaml: yaml), providers: BuiltinProviders.all + [ToyProvider()])
    }

    private func json(_ response: WireResponse) -> JSONValue? {
        try? JSONValue.parse(response.body)
    }

    @Test func aProviderAnswersItsOwnRouteWithoutFixtures() async throws {
        let host = try host(
            """
            settings: {strict: true, models: [configured-model]}
            fixtures:
              - {match: {model: gpt-4o}, reply: {content: catch-all}}
            """)
        let response = await host.respond(to: WireRequest(method: .get, path: "/toy/models"))
        #expect(response.status == 200)
        let listed = json(response)?["models"]?.arrayValue?.compactMap(\.stringValue) ?? []
        // The builtin providers' own models are listed too, between these.
        #expect(
            listed.filter { $0.hasPrefix("lyrebird/") || $0.hasPrefix("toy/") }
                == ["lyrebird/configured-model", "lyrebird/gpt-4o", "toy/toy-small", "toy/toy-large"])
        let entry = host.journal.all.last
        #expect(entry?.provider == "toy")
        #expect(entry?.source == "provider")
    }

    @Test func pathParametersReachTheProviderInsideASegment() async throws {
        let host = try host("fixtures: [{match: {model: toy-large}, reply: {content: large reply}}]")
        let body = Array(#"{"prompt": "hi"}"#.utf8)
        let response = await host.respond(to: WireRequest(method: .post, path: "/toy/m/toy-large:generate", body: body))
        #expect(json(response) == ["model": "toy-large", "text": "large reply"])
        let streamed = await host.respond(
            to: WireRequest(method: .post, path: "/toy/m/toy-large:stream", body: Array(#"{"prompt": "hi", "stream": true}"#.utf8)))
        #expect(String(decoding: streamed.body, as: UTF8.self) == "large reply|end")
        let unknown = await host.respond(to: WireRequest(method: .post, path: "/toy/m/toy-large:explode", body: body))
        #expect(unknown.status == 404)
        #expect(json(unknown)?["toy_error"] != nil)
    }

    @Test func anHTTPOnlyRouteRefusesToStream() async throws {
        let host = try host("fixtures: []")
        let response = await host.respond(
            to: WireRequest(method: .post, path: "/toy/m/x:generate", body: Array(#"{"prompt": "hi", "stream": true}"#.utf8)))
        #expect(response.status == 400)
        #expect(json(response)?["toy_error"]?.stringValue?.contains("does not stream") == true)
    }

    @Test func anSSEOnlyRouteRefusesAWholeReply() async throws {
        let host = try host("fixtures: [{reply: {content: streamed}}]")
        let whole = await host.respond(to: WireRequest(method: .post, path: "/toy/m/x:events", body: Array(#"{"prompt": "hi"}"#.utf8)))
        #expect(whole.status == 400)
        #expect(json(whole)?["toy_error"]?.stringValue?.contains("only streams") == true)
        let streamed = await host.respond(
            to: WireRequest(method: .post, path: "/toy/m/x:events", body: Array(#"{"prompt": "hi", "stream": true}"#.utf8)))
        #expect(String(decoding: streamed.body, as: UTF8.self) == "streamed|end")
    }

    @Test func aRouteTheRouterCannotServeIsRefusedAtStart() throws {
        struct Broken: Provider {
            let name = "broken"
            let routes = [ProviderRoute(method: .post, path: "/v2/{a}{b}", operation: "x")]
            func decode(_ request: WireRequest, route: ProviderRoute) throws(ReplyError) -> CanonicalRequest {
                CanonicalRequest(operation: "x", model: "m", messages: [])
            }
            func encode(_ reply: CompletedReply, for request: CanonicalRequest, context: ReplyContext) -> WireResponse {
                WireResponse(status: 200, body: [])
            }
            func makeStreamEncoder(for request: CanonicalRequest, context: ReplyContext) -> any StreamEncoder { ToyStream() }
            func encode(_ error: ReplyError, for request: CanonicalRequest?, context: ReplyContext) -> WireResponse {
                WireResponse(status: error.status, body: [])
            }
        }
        do {
            _ = try LyrebirdHost(configuration: HostConfiguration(), providers: [Broken()])
            Issue.record("expected the route to be refused")
        } catch {
            #expect(error.problems.first?.message.contains("\"/v2/{a}{b}\" cannot be served") == true)
        }
    }

    @Test func unroutedRequestsAreJournaled() async throws {
        let host = try host("fixtures: []")
        _ = await host.respond(to: WireRequest(method: .get, path: "/nowhere"))
        _ = await host.respond(to: WireRequest(method: .get, path: "/v1/chat/completions"))
        let entries = host.journal.all.suffix(2)
        #expect(entries.map(\.status) == [404, 405])
        #expect(entries.map(\.provider) == [nil, nil])
    }
}
