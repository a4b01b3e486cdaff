import LyrebirdBuiltinProviders
import LyrebirdHost
import LyrebirdPluginAPI
import Testing

@Suite struct OpenAIModelsTests {
    private func host() throws -> LyrebirdHost {
        let yaml = """
            settings: {models: [my-model, gpt-4o]}
            fixtures:
              - {match: {model: fixture-model}, reply: {content: x}}
              - {match: {model: "glob-*"}, reply: {content: x}}
            """
        return try LyrebirdHost(configuration: try HostConfiguration(yaml: yaml), providers: BuiltinProviders.all)
    }

    private func get(_ host: LyrebirdHost, _ path: String) async throws -> (status: Int, json: JSONValue) {
        let response = await host.respond(to: WireRequest(method: .get, path: path))
        return (response.status, try JSONValue.parse(response.body))
    }

    @Test func theListHasConfiguredFixtureAndProviderModelsOnce() async throws {
        let (status, json) = try await get(try host(), "/v1/models")
        #expect(status == 200)
        #expect(json["object"] == "list")
        let data = json["data"]?.arrayValue ?? []
        let ids = data.compactMap { $0["id"]?.stringValue }
        #expect(Array(ids.prefix(3)) == ["my-model", "gpt-4o", "fixture-model"])
        #expect(ids.contains("text-embedding-3-small") && ids.contains("gpt-3.5-turbo-instruct") && ids.contains("gpt-4o-mini"))
        #expect(Set(ids).count == ids.count)
        #expect(!ids.contains("glob-*"))
        #expect(data.first == ["id": "my-model", "object": "model", "created": 1_700_000_000, "owned_by": "lyrebird"])
        #expect(data.first { $0["id"] == "text-embedding-3-large" }?["owned_by"] == "openai.embeddings")
    }

    @Test func oneModelOrTheRealNotFoundError() async throws {
        let host = try host()
        let (status, model) = try await get(host, "/v1/models/fixture-model")
        #expect(status == 200)
        #expect(model == ["id": "fixture-model", "object": "model", "created": 1_700_000_000, "owned_by": "lyrebird"])
        let (missing, error) = try await get(host, "/v1/models/nope")
        #expect(missing == 404)
        #expect(error["error"]?["code"] == "model_not_found")
        #expect(error["error"]?["param"] == "model")
        #expect(error["error"]?["type"] == "invalid_request_error")
        #expect(host.journal.all.map(\.operation) == ["models.retrieve", "models.retrieve"])
    }
}
