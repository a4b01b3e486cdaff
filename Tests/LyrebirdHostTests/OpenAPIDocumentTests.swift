import LyrebirdBuiltinProviders
import LyrebirdPluginAPI
import Testing

@testable import LyrebirdHost

/// A provider whose routes exercise what the document must merge and mark: two patterns that
/// differ only in a parameter's name, a WebSocket-only route, and a route with conditions at a
/// path a builtin serves too.
private struct SharingProvider: Provider {
    let name: String
    let routes: [ProviderRoute]

    func decode(_ request: WireRequest, route: ProviderRoute) throws(ReplyError) -> CanonicalRequest {
        CanonicalRequest(operation: route.operation, model: "m", messages: [])
    }

    func encode(_ reply: CompletedReply, for request: CanonicalRequest, context: ReplyContext) -> WireResponse {
        WireResponse(status: 200, body: Array("{}".utf8))
    }

    func makeStreamEncoder(for request: CanonicalRequest, context: ReplyContext) -> any StreamEncoder {
        SilentStream()
    }

    func encode(_ error: ReplyError, for request: CanonicalRequest?, context: ReplyContext) -> WireResponse {
        WireResponse(status: error.status, body: Array("{}".utf8))
    }
}

private struct SilentStream: StreamEncoder {
    let contentType = "text/event-stream"
    mutating func start() -> [UInt8] { [] }
    mutating func encode(_ event: ReplyEvent, choice: Int) -> [UInt8] { [] }
    mutating func finish() -> [UInt8] { [] }
}

@Suite struct OpenAPIDocumentTests {
    private func document(of host: LyrebirdHost) async throws -> JSONValue {
        let response = await host.respond(to: WireRequest(method: .get, path: "/_lyrebird/openapi.json"))
        #expect(response.status == 200)
        #expect(response.contentType == "application/json")
        return try JSONValue.parse(response.body)
    }

    /// Every operation of the document with its path and method.
    private func operations(_ document: JSONValue) -> [(path: String, method: String, operation: JSONValue)] {
        var found: [(String, String, JSONValue)] = []
        for (path, item) in document["paths"]?.objectValue ?? [:] {
            for (method, operation) in item.objectValue ?? [:] { found.append((path, method, operation)) }
        }
        return found
    }

    /// The operation and its alternatives, each with the facts the extensions give.
    private func routes(of operation: JSONValue) -> [(provider: String?, operation: String?)] {
        var routes = [(operation["x-lyrebird-provider"]?.stringValue, operation["x-lyrebird-operation"]?.stringValue)]
        for alternative in operation["x-lyrebird-alternatives"]?.arrayValue ?? [] {
            routes.append((alternative["provider"]?.stringValue, alternative["operation"]?.stringValue))
        }
        return routes
    }

    @Test func aPluginlessHostListsEveryBuiltinRouteAndAdminEndpoint() async throws {
        let host = try LyrebirdHost(configuration: HostConfiguration(), providers: BuiltinProviders.all)
        let document = try await document(of: host)
        #expect(document["openapi"] == "3.1.0")
        #expect(document["info"]?["title"] == "Lyrebird")
        #expect(document["info"]?["version"]?.stringValue == LyrebirdHost.version)
        #expect(document["servers"] == nil)
        let paths = document["paths"]
        for provider in BuiltinProviders.all {
            for route in provider.routes {
                let operation = paths?[route.path]?[route.method.rawValue.lowercased()]
                #expect(operation != nil, "\(route.method.rawValue) \(route.path) is missing")
                guard let operation else { continue }
                #expect(
                    routes(of: operation).contains { $0.provider == provider.name && $0.operation == route.operation },
                    "\(route.method.rawValue) \(route.path) does not name \(provider.name)'s \(route.operation)")
                #expect(operation["tags"]?.arrayValue?.contains(.string(provider.name)) == true)
            }
        }
        for endpoint in AdminEndpoint.allCases {
            let operation = paths?[endpoint.path]?[endpoint.method.rawValue.lowercased()]
            #expect(operation?["x-lyrebird-admin"]?.stringValue == endpoint.operationName, "\(endpoint.path) is missing")
            #expect(operation?["tags"] == ["admin"])
        }
        // Nothing came from a plugin.
        #expect(operations(document).allSatisfy { $0.operation["x-lyrebird-plugin"] == nil })
    }

    @Test func operationIdsAreUniqueAndNamedAfterProviderAndOperation() async throws {
        let host = try LyrebirdHost(configuration: HostConfiguration(), providers: BuiltinProviders.all)
        let ids = operations(try await document(of: host)).compactMap { $0.operation["operationId"]?.stringValue }
        #expect(ids.count == operations(try await document(of: host)).count)
        #expect(Set(ids).count == ids.count)
        let document = try await document(of: host)
        #expect(document["paths"]?["/v1/chat/completions"]?["post"]?["operationId"] == "openai.chat_completions.chat.completions")
        // The same operation at Azure's path is numbered after OpenAI's.
        #expect(
            document["paths"]?["/openai/v1/chat/completions"]?["post"]?["operationId"] == "openai.chat_completions.chat.completions_3")
        #expect(document["paths"]?["/health"]?["get"]?["operationId"] == "admin.health")
    }

    @Test func responsesFollowTheTransports() async throws {
        let host = try LyrebirdHost(configuration: HostConfiguration(), providers: BuiltinProviders.all)
        let paths = try await document(of: host)["paths"]
        let chat = paths?["/v1/chat/completions"]?["post"]
        #expect(chat?["responses"]?["200"]?["content"]?.objectValue?.keys.sorted() == ["application/json", "text/event-stream"])
        #expect(chat?["requestBody"]?["required"] == true)
        #expect(chat?["x-lyrebird-transports"] == ["http", "sse"])
        let embeddings = paths?["/v1/embeddings"]?["post"]
        #expect(embeddings?["responses"]?["200"]?["content"]?.objectValue?.keys.sorted() == ["application/json"])
        // A WebSocket-only route is listed, with the upgrade's status and no HTTP body.
        let webSocket = paths?["/v1/chat"]?["get"]
        #expect(webSocket?["x-lyrebird-transports"] == ["websocket"])
        #expect(webSocket?["responses"]?["101"] != nil)
        #expect(webSocket?["responses"]?["200"] == nil)
        let retrieve = paths?["/v1/models/{model}"]?["get"]
        #expect(retrieve?["parameters"] == [["name": "model", "in": "path", "required": true, "schema": ["type": "string"]]])
        #expect(retrieve?["x-lyrebird-answered-by"] == "provider")
        #expect(retrieve?["requestBody"] == nil)
    }

    @Test func pathsThatDifferOnlyInParameterNamesShareOneTemplate() async throws {
        let toy = SharingProvider(
            name: "toy",
            routes: [
                ProviderRoute(method: .post, path: "/toy/items/{item}:run", operation: "run"),
                ProviderRoute(method: .get, path: "/toy/items/{id}:run", operation: "status", transports: [.http], answeredBy: .provider),
            ])
        let host = try LyrebirdHost(configuration: HostConfiguration(), providers: [toy])
        let paths = try await document(of: host)["paths"]
        #expect(paths?["/toy/items/{id}:run"] == nil)
        let item = paths?["/toy/items/{item}:run"]
        #expect(item?["post"]?["x-lyrebird-path"] == nil)
        let status = item?["get"]
        #expect(status?["parameters"]?.arrayValue?.first?["name"] == "item")
        // The provider reads its own name for the parameter: the document says where.
        #expect(status?["x-lyrebird-path"] == "/toy/items/{id}:run")
    }

    @Test func routesSharingAMethodAndPathByConditionsAreOneOperation() async throws {
        let google = SharingProvider(
            name: "toy.google",
            routes: [
                ProviderRoute(
                    method: .get, path: "/v1/models", operation: "list", transports: [.http], answeredBy: .provider,
                    onlyWith: [.header("x-toy-key"), .queryItem("key")])
            ])
        let host = try LyrebirdHost(configuration: HostConfiguration(), providers: BuiltinProviders.all + [google])
        let list = try await document(of: host)["paths"]?["/v1/models"]?["get"]
        // The route without conditions is the operation; the conditional one its alternative.
        #expect(list?["x-lyrebird-provider"] == "openai.models")
        #expect(list?["x-lyrebird-only-with"] == nil)
        #expect(list?["tags"] == ["openai.models", "toy.google"])
        let alternative = list?["x-lyrebird-alternatives"]?.arrayValue?.first
        #expect(alternative?["provider"] == "toy.google")
        #expect(alternative?["operation"] == "list")
        #expect(alternative?["only-with"] == [["header": "x-toy-key"], ["query": "key"]])
        let parameters = list?["parameters"]?.arrayValue ?? []
        #expect(parameters.map { $0["in"] } == ["header", "query"])
        #expect(parameters.allSatisfy { $0["required"] == false })
    }

    @Test func theDocumentIsAnAdminEndpoint() async throws {
        let host = try LyrebirdHost(configuration: HostConfiguration(), providers: BuiltinProviders.all)
        let foreign = await host.respond(
            to: WireRequest(
                method: .get, path: "/_lyrebird/openapi.json",
                headers: [Header(name: "host", value: "127.0.0.1:8080"), Header(name: "origin", value: "http://evil.example")]))
        #expect(foreign.status == 403)
        let rebound = await host.respond(
            to: WireRequest(method: .get, path: "/_lyrebird/openapi.json", headers: [Header(name: "host", value: "evil.example")]))
        #expect(rebound.status == 403)
    }
}
