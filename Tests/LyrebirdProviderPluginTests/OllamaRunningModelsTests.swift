import Foundation
import LyrebirdPluginAPI
import Testing

/// `GET /api/ps`: the listed models, as if loaded.
@Suite struct OllamaRunningModelsTests {
    @Test func everyListedModelRunsUntilAFewMinutesFromNow() async throws {
        let yaml = """
            settings: {models: [my-model]}
            fixtures: []
            """
        let host = try TestHost(yaml, strict: true)
        let tags = try await host.json(.get, "/api/tags")
        let running = try await host.json(.get, "/api/ps")
        let listed = tags["models"]?.arrayValue ?? []
        let models = running["models"]?.arrayValue ?? []
        #expect(models.map { $0["name"] } == listed.map { $0["name"] })
        for (model, entry) in zip(models, listed) {
            #expect(model["model"] == entry["model"] && model["digest"] == entry["digest"] && model["size"] == entry["size"])
            #expect(model["details"] == entry["details"])
            #expect(model["size_vram"] == entry["size"] && model["context_length"] == 4096)
        }
        let first = try #require(models.first)
        let expires = try #require(first["expires_at"]?.stringValue)
        let now = try #require(host.host.journal.all.last?.time)
        let formatter = ISO8601DateFormatter()
        let due = try #require(formatter.date(from: expires)).timeIntervalSince1970
        #expect(due > now + 200 && due < now + 400)
        #expect(host.host.journal.all.last?.source == "provider")
    }
}
