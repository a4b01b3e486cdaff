import LyrebirdHost
import LyrebirdPluginAPI
import Testing

@Suite struct ConfigurationTests {
    @Test func readsSettingsAndFixtures() throws {
        let configuration = try HostConfiguration(
            yaml: """
                settings:
                  port: 0
                  strict: true
                  default_reply: nothing here
                fixtures:
                  - name: greet
                    match: {user: hello, model: "gpt-*"}
                    reply: {content: Hi}
                  - match: {user: {regex: "weather"}}
                    reply:
                      tool_calls:
                        - name: get_weather
                          arguments: {city: Paris, days: 3}
                  - match: {user: boom}
                    reply: {error: {status: 429, message: slow down, retry_after_ms: 5}}
                """
        )
        #expect(configuration.port == 0)
        #expect(configuration.strict)
        #expect(configuration.defaultReply == "nothing here")
        #expect(configuration.fixtures.count == 3)
        guard case .message(let tools) = configuration.fixtures[1].reply else {
            Issue.record("expected a message reply")
            return
        }
        #expect(tools.toolCalls.first?.arguments == #"{"city":"Paris","days":3}"#)
        guard case .error(let error) = configuration.fixtures[2].reply else {
            Issue.record("expected an error reply")
            return
        }
        #expect(error.status == 429 && error.type == "requests" && error.retryAfterMilliseconds == 5)
    }

    @Test func reportsEveryProblemWithItsLocation() throws {
        #expect(try HostConfiguration(yaml: "fixtures: []\n").fixtures.isEmpty)
        do {
            _ = try HostConfiguration(
                yaml: """
                    fixtures:
                      - name: a
                        match: {user: {regex: "("}}
                        reply: {content: x}
                      - name: b
                        match: {user: {fuzzy: hi, threshold: 2}}
                        reply: {content: x, colour: red}
                      - name: c
                        match: {user: {regex: "(\\\\w+) \\\\1"}}
                        reply: {content: x}
                    extra: 1
                    """,
                file: "test.yaml"
            )
            Issue.record("expected problems")
        } catch {
            let lines = error.problems.map(\.description)
            #expect(lines.count == 5)
            #expect(
                lines.contains {
                    $0.hasPrefix("test.yaml:3:") && $0.contains("fixture #1 \"a\": match.user.regex: invalid regular expression")
                })
            #expect(lines.contains { $0.contains("fixture #2 \"b\": match.user.threshold: must be between 0.0 and 1.0") })
            #expect(lines.contains { $0.contains("reply.colour: unknown key") })
            #expect(
                lines.contains {
                    $0.contains("fixture #3 \"c\": match.user.regex: invalid regular expression")
                        && $0.contains("back-references (\\1, \\k<name>) are not supported")
                })
            #expect(lines.contains { $0.hasPrefix("test.yaml:11:") && $0.contains("extra: unknown key") })
        }
    }

    @Test func readsTheWebSocketLimits() throws {
        let defaults = HostConfiguration()
        #expect((defaults.webSocketIdleTimeoutMilliseconds, defaults.webSocketMaxQueued) == (300_000, 16))
        let configuration = try HostConfiguration(yaml: "settings: {websocket_idle_timeout_ms: 250, websocket_max_queued: 3}")
        #expect((configuration.webSocketIdleTimeoutMilliseconds, configuration.webSocketMaxQueued) == (250, 3))
        #expect {
            try HostConfiguration(yaml: "settings: {websocket_idle_timeout_ms: 0, websocket_max_queued: 1025}")
        } throws: { error in
            let lines = (error as? ConfigurationError)?.problems.map(\.description) ?? []
            return lines.count == 2 && lines[0].contains("settings.websocket_idle_timeout_ms")
                && lines[1].contains("settings.websocket_max_queued")
        }
    }

    @Test func oneFixtureFromJSON() throws {
        let fixture = try Fixture(yaml: #"{"name": "j", "match": {"user": "x"}, "reply": {"content": "y"}}"#)
        #expect(fixture.id == "j")
    }

    @Test func aliasesThatExpandPastTheBudgetAreRefused() throws {
        var lines = ["fixtures:", "  - reply:", "      responder: x", "      params:", "        a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for level in 1..<8 {
            lines.append("        a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]")
        }
        do {
            _ = try HostConfiguration(yaml: lines.joined(separator: "\n"), file: "bomb.yaml")
            Issue.record("expected the alias bomb to be refused")
        } catch {
            #expect(error.problems.count == 1)
            // Reported where the running total crosses the budget, among the anchor lines.
            #expect((5...12).contains(error.problems.first?.line ?? 0))
            #expect(error.problems.first?.message.contains("expands to more than 1000000 nodes") == true)
        }
        // Aliases within the budget are ordinary YAML.
        let shared = """
            fixtures:
              - match: &greeting {user: hello}
                reply: {content: one}
              - match: *greeting
                reply: {content: two}
            """
        #expect(try HostConfiguration(yaml: shared).fixtures.count == 2)
    }
}
