import LyrebirdPluginAPI
import Testing

/// Which requests the Gemini routes take: unknown methods of a model, and the `/v1` model list
/// that Gemini shares with OpenAI.
@Suite struct GeminiRoutesTests {
    static let key = [Header(name: "x-goog-api-key", value: "test-key")]

    @Test func anUnknownMethodOfAModelIsGooglesNotFound() async throws {
        let host = try TestHost()
        let body = #"{"contents": [{"parts": [{"text": "hello"}]}]}"#
        for path in ["/v1beta/models/gemini-2.0-flash:foo", "/v1beta/models/gemini-2.0-flash", "/v1/models/gemini-2.0-flash:foo"] {
            let response = await host.send(.post, path, body, headers: Self.key)
            #expect(response.status == 404, "\(path)")
            #expect(!response.headers.contains { $0.name == "allow" })
            #expect(try JSONValue.parse(response.body) == ["error": ["code": 404, "message": "Method not found.", "status": "NOT_FOUND"]])
        }
        #expect(host.host.journal.all.allSatisfy { $0.provider == "google.gemini" && $0.source == "provider" && $0.status == 404 })
        // The known methods still take their requests.
        let generated = try await host.json(.post, "/v1beta/models/gemini-2.0-flash:generateContent", body)
        #expect(generated["candidates"]?.arrayValue?.count == 1)
        // Without Google's credentials `/v1/models/...` is OpenAI's, as it was.
        let openAI = await host.send(.post, "/v1/models/gpt-4o:foo", body)
        #expect(openAI.status == 405)
        #expect(try JSONValue.parse(openAI.body)["error"]?["code"] == "method_not_allowed")
    }

    @Test func theV1ModelListIsGeminisForRequestsWithGooglesCredentials() async throws {
        let host = try TestHost()
        let gemini = try await host.json(.get, "/v1/models", headers: Self.key)
        let names = gemini["models"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        #expect(names.contains("models/gemini-2.0-flash") && names.contains("models/gpt-4o"))
        #expect(gemini["object"] == nil)
        let byQuery = try await host.json(.get, "/v1/models?key=test-key&pageSize=2")
        #expect(byQuery["models"]?.arrayValue?.count == 2 && byQuery["nextPageToken"] == "2")

        let model = try await host.json(.get, "/v1/models/gemini-2.5-flash", headers: Self.key)
        #expect(model["name"] == "models/gemini-2.5-flash" && model["displayName"] == "Gemini 2.5 Flash")
        let missing = try await host.json(.get, "/v1/models/nope", headers: Self.key, status: 404)
        #expect(missing["error"]?["message"]?.stringValue?.hasPrefix("models/nope is not found for API version v1,") == true)

        // Everyone else still gets OpenAI's list and models.
        let openAI = try await host.json(.get, "/v1/models", headers: [Header(name: "authorization", value: "Bearer sk-test")])
        #expect(openAI["object"] == "list" && openAI["data"]?.arrayValue?.isEmpty == false)
        let openAIModel = try await host.json(.get, "/v1/models/gpt-4o")
        #expect(openAIModel["id"] == "gpt-4o" && openAIModel["object"] == "model")
        #expect(host.host.journal.all.map(\.provider) == Array(repeating: "google.gemini", count: 4) + ["openai.models", "openai.models"])
    }
}
