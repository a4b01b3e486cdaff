import LyrebirdPluginAPI
import Testing

@testable import LyrebirdHost

@Suite struct RouteConditionTests {
    private func table() throws -> RouteTable<String> {
        var table = RouteTable<String>()
        try table.add(.get, "/v1/models", "openai")
        try table.add(.get, "/v1/models", "gemini", conditions: [.header("x-goog-api-key"), .queryItem("key")])
        try table.add(.get, "/v1/models/{model}", "gemini model", conditions: [.header("x-goog-api-key")])
        return table
    }

    private func handler(_ table: RouteTable<String>, _ path: String, headers: [Header] = [], query: String = "") -> String? {
        guard
            case .found(let handler, _) = table.lookup(
                .get, path, request: WireRequest(method: .get, path: path, query: query, headers: headers))
        else { return nil }
        return handler
    }

    @Test func aConditionalRouteTakesTheRequestsThatMeetIt() throws {
        let table = try table()
        #expect(handler(table, "/v1/models") == "openai")
        #expect(handler(table, "/v1/models", headers: [Header(name: "x-goog-api-key", value: "k")]) == "gemini")
        #expect(handler(table, "/v1/models", query: "key=k") == "gemini")
        #expect(handler(table, "/v1/models/gemini-pro", headers: [Header(name: "x-goog-api-key", value: "k")]) == "gemini model")
        // Only a conditional route here, and the request does not meet it: nothing serves it.
        guard
            case .notFound = table.lookup(.get, "/v1/models/gemini-pro", request: WireRequest(method: .get, path: "/v1/models/gemini-pro"))
        else {
            Issue.record("expected no route")
            return
        }
    }

    @Test func theSameConditionsTwiceAreTaken() throws {
        var table = try table()
        #expect(throws: RouteTable<String>.Refusal.self) {
            try table.add(.get, "/v1/models", "again", conditions: [.queryItem("key"), .header("x-goog-api-key")])
        }
    }

    @Test func conditionsCrossThePluginABI() throws {
        let route = ProviderRoute(
            method: .get, path: "/v1/models", operation: "models", onlyWith: [.header("X-Goog-Api-Key"), .queryItem("key")])
        let decoded = try PluginJSON.decode(ProviderRoute.self, from: PluginJSON.encode(route))
        #expect(decoded.onlyWith == [.header("x-goog-api-key"), .queryItem("key")])
    }
}
