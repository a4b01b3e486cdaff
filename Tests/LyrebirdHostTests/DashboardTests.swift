import Foundation
import LyrebirdBuiltinProviders
import LyrebirdPluginAPI
import Testing

@testable import LyrebirdHost

/// The dashboard's files and the live journal, answered in process. The page itself is driven
/// in a real browser by the conformance suite (test_dashboard.py).
@Suite struct DashboardTests {
    private func host(_ yaml: String = "fixtures: [{reply: {content: x}}]") throws -> LyrebirdHost {
        try LyrebirdHost(configuration: HostConfiguration(yaml: yaml), providers: BuiltinProviders.all)
    }

    @Test func theFilesAreServedWithAPolicyThatAllowsOnlyThemselves() async throws {
        let host = try host()
        for (path, type) in [
            ("/_lyrebird/ui", "text/html"), ("/_lyrebird/ui/app.js", "text/javascript"), ("/_lyrebird/ui/app.css", "text/css"),
        ] {
            let response = await host.respond(to: WireRequest(method: .get, path: path))
            #expect(response.status == 200, "\(path)")
            #expect(response.contentType.hasPrefix(type), "\(path)")
            let policy = response.headers.first { $0.name == "content-security-policy" }?.value ?? ""
            #expect(policy.contains("script-src 'self'") && !policy.contains("unsafe"), "\(path)")
        }
        let page = String(decoding: await host.respond(to: WireRequest(method: .get, path: "/_lyrebird/ui")).body, as: UTF8.self)
        #expect(page.contains("/_lyrebird/ui/app.js") && !page.contains("<script>"), "no inline script")
        #expect(await host.respond(to: WireRequest(method: .get, path: "/_lyrebird/ui/../journal")).status == 404)
        let off = try self.host("settings: {dashboard: false}")
        #expect(await off.respond(to: WireRequest(method: .get, path: "/_lyrebird/ui")).status == 404)
    }

    @Test func theLiveJournalCountsAndEveryInProcessLookEndsItsStream() async throws {
        let host = try host()
        for _ in 0..<3 {
            _ = await host.respond(
                to: WireRequest(
                    method: .post, path: "/v1/chat/completions",
                    body: Array(#"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#.utf8)))
        }
        // More looks than live journals may be open at once: each ends when it has answered.
        for _ in 0..<(JournalStreams.maximum + 8) {
            let response = await host.respond(to: WireRequest(method: .get, path: "/_lyrebird/journal/stream"))
            #expect(response.status == 200)
            let text = String(decoding: response.body, as: UTF8.self)
            #expect(text.hasPrefix("data: ") && text.hasSuffix("\n\n"))
            let event = try JSONValue.parse(Array(text.dropFirst(6).utf8))
            #expect(event["total"]?.intValue == 3)
            #expect(event["entries"]?.arrayValue?.count == 3)
        }
    }
}
