import Foundation
import LyrebirdBuiltinProviders
import LyrebirdHost
import LyrebirdPluginAPI
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

@Suite struct EmbeddingTests {
    @Test func startsOnAFreePortServesFixturesAddedInCodeAndStops() async throws {
        var configuration = HostConfiguration()
        configuration.port = 0
        let host = try LyrebirdHost(configuration: configuration, providers: BuiltinProviders.all)
        host.fixtures.add(
            Fixture(name: "code", match: .user(TextMatcher(.contains("ping"))), reply: .message(StaticReply(content: "pong"))))
        let url = try await host.start()
        #expect(url.port != nil && url.port != 0)
        #expect(host.url == url)

        var request = URLRequest(url: url.appendingPathComponent("v1/chat/completions"))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(#"{"model":"m","messages":[{"role":"user","content":"ping"}]}"#.utf8)
        let (data, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        let json = try JSONValue.parse(Array(data))
        #expect(json["choices"]?.arrayValue?.first?["message"]?["content"] == "pong")
        #expect(host.journal.all.last?.source == "code")

        await host.stop()
        #expect(host.url == nil)
    }

    @Test func stopEndsWhatTheShutdownGraceLeftRunning() async throws {
        var configuration = HostConfiguration()
        configuration.port = 0
        configuration.shutdownGrace = .milliseconds(300)
        let host = try LyrebirdHost(configuration: configuration, providers: BuiltinProviders.all)
        host.fixtures.add(
            Fixture(name: "slow", reply: .message(StaticReply(content: "late")), timing: ReplyTiming(firstTokenMilliseconds: 60_000)))
        let url = try await host.start()

        var request = URLRequest(url: url.appendingPathComponent("v1/chat/completions"))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(#"{"model":"m","messages":[{"role":"user","content":"ping"}]}"#.utf8)
        let call = Task { try await URLSession.shared.data(for: request) }
        try await Task.sleep(for: .milliseconds(300))

        // The reply would take a minute; the host waits for it 0.3 s, then closes its connection.
        let elapsed = await ContinuousClock().measure { await host.stop() }
        #expect(elapsed >= .milliseconds(250) && elapsed < .seconds(5))
        await #expect(throws: (any Error).self) { try await call.value }
    }

    @Test func twoHostsRunSideBySide() async throws {
        var configuration = HostConfiguration()
        configuration.port = 0
        let first = try LyrebirdHost(configuration: configuration, providers: BuiltinProviders.all)
        let second = try LyrebirdHost(configuration: configuration, providers: BuiltinProviders.all)
        let firstURL = try await first.start()
        let secondURL = try await second.start()
        #expect(firstURL != secondURL)
        await first.stop()
        await second.stop()
    }

    @Test func bindingATakenPortFails() async throws {
        var configuration = HostConfiguration()
        configuration.port = 0
        let first = try LyrebirdHost(configuration: configuration, providers: BuiltinProviders.all)
        let url = try await first.start()
        configuration.port = url.port!
        let second = try LyrebirdHost(configuration: configuration, providers: BuiltinProviders.all)
        await #expect(throws: (any Error).self) { try await second.start() }
        await first.stop()
    }
}
