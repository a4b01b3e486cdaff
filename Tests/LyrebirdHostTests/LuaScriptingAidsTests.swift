import Logging
import LyrebirdBuiltinProviders
import LyrebirdHost
import LyrebirdPluginAPI
import Synchronization
import Testing

/// What script writers tripped on: a store that loses updates, misspelt reply keys answered with
/// nothing, no way to print, failures only some places see, pauses cut silently.
@Suite struct LuaScriptingAidsTests {
    private func host(_ yaml: String, logger: Logger = Logger(label: "test")) throws -> LyrebirdHost {
        try LyrebirdHost(configuration: try HostConfiguration(yaml: yaml), providers: BuiltinProviders.all, logger: logger)
    }

    private func ask(_ host: LyrebirdHost, _ user: String = "hi", headers: [Header] = []) async -> WireResponse {
        let body = #"{"model":"m","messages":[{"role":"user","content":"\#(user)"}]}"#
        return await host.respond(to: WireRequest(method: .post, path: "/v1/chat/completions", headers: headers, body: Array(body.utf8)))
    }

    private func content(_ response: WireResponse) throws -> String? {
        try JSONValue.parse(response.body)["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue
    }

    private func message(_ response: WireResponse) throws -> String {
        try JSONValue.parse(response.body)["error"]?["message"]?.stringValue ?? ""
    }

    @Test func parallelIncrementsLoseNothing() async throws {
        let host = try host(
            """
            fixtures:
              - reply:
                  lua_inline: |
                    function respond(req)
                      return tostring(lyrebird.store.increment("calls"))
                    end
            """)
        let counts = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<800 { group.addTask { Int((try? self.content(await self.ask(host))) ?? "") ?? 0 } }
            return await group.reduce(into: [Int]()) { $0.append($1) }
        }
        // Each request saw a count of its own: 1 to 800, none twice.
        #expect(counts.sorted() == Array(1...800))
    }

    @Test func theApiKeyScopeSpansConversations() async throws {
        let counter = try host(
            """
            fixtures:
              - reply:
                  lua_inline: |
                    function respond(req)
                      local mine = lyrebird.store.increment("n", 1, "api_key")
                      local here = lyrebird.store.increment("n")
                      return mine .. "/" .. here
                    end
            """)
        func turn(_ key: String, _ conversation: String) async throws -> String? {
            try content(
                await ask(
                    counter,
                    headers: [
                        Header(name: "authorization", value: "Bearer \(key)"), Header(name: "x-lyrebird-conversation", value: conversation),
                    ]))
        }
        #expect(try await turn("sk-a", "one") == "1/1")
        #expect(try await turn("sk-a", "two") == "2/1")
        #expect(try await turn("sk-b", "one") == "1/2")
        let refused = try host(
            "fixtures:\n  - reply:\n      lua_inline: |\n        function respond(req) return lyrebird.store.get('n', 'everyone') end\n")
        #expect(try message(await ask(refused)).contains(#"the scope must be "conversation" or "api_key""#))
    }

    @Test func aMisspeltReplyKeyIsAnErrorNamingIt() async throws {
        let host = try host("fixtures:\n  - reply:\n      lua_inline: |\n        function respond(req) return {contnet = 'hi'} end\n")
        let response = await ask(host)
        #expect(response.status == 500)
        #expect(try message(response).contains(#"unknown key "contnet" in the reply table"#))
    }

    @Test func lyrebirdLogWritesToTheHostsLogWithinItsBound() async throws {
        let lines = LogLines()
        let logger = Logger(label: "test") { _ in lines }
        let host = try host(
            """
            fixtures:
              - name: chatty
                reply:
                  lua_inline: |
                    function respond(req)
                      lyrebird.log("seen", req.last_user, 42, {a = 1})
                      for i = 1, 200 do lyrebird.log(i) end
                      return "ok"
                    end
            """, logger: logger)
        #expect(try content(await ask(host, "hello")) == "ok")
        let logged = lines.messages
        #expect(logged.contains(#"seen hello 42 {"a":1}"#))
        #expect(logged.filter { Int($0) != nil }.count == 99)
        #expect(logged.contains { $0.contains("more than 100 lyrebird.log lines in one call") })
    }

    @Test func aPauseOverItsCapIsRefused() async throws {
        let host = try host("fixtures:\n  - reply:\n      lua_inline: |\n        function respond(req, reply) reply:pause(90000) end\n")
        #expect(try message(await ask(host)).contains("reply:pause: 90000.0 ms is outside 0 to 60000 ms"))
    }

    @Test func failuresReachTheLogAndPredicateFailuresTheJournal() async throws {
        let lines = LogLines()
        let logger = Logger(label: "test") { _ in lines }
        let yaml = """
            settings: {lua_instruction_limit: 1000}
            fixtures:
              - name: looping
                match: {lua: "while true do end"}
                reply: {content: never}
              - name: failing
                match: {user: fail}
                reply:
                  lua_inline: |
                    function respond(req) error("no luck") end
            """
        let host = try host(yaml, logger: logger)
        let answered = await ask(host)
        #expect(try content(answered) == HostConfiguration.standardDefaultReply)
        #expect(host.journal.all.last?.warnings.contains { $0.contains("a Lua predicate failed") && $0.contains("instruction") } == true)
        _ = await ask(host, "fail")
        #expect(lines.messages.contains { $0.contains("no luck") })

        var strictConfiguration = try HostConfiguration(yaml: yaml)
        strictConfiguration.strict = true
        let strict = try LyrebirdHost(configuration: strictConfiguration, providers: BuiltinProviders.all)
        let refused = await ask(strict)
        #expect(refused.status == 500)
        #expect(try message(refused).contains("A Lua predicate failed (strict mode)"))
    }

    @Test func aSecondStartIsAnError() async throws {
        var configuration = HostConfiguration()
        configuration.port = 0
        let host = try LyrebirdHost(configuration: configuration, providers: BuiltinProviders.all)
        let url = try await host.start()
        await #expect(throws: LyrebirdHost.StartError.self) { try await host.start() }
        #expect(host.url == url)
        await host.stop()
    }
}

/// Log lines a test reads back.
final class LogLines: LogHandler, Sendable {
    private let lines = Mutex<[String]>([])
    var messages: [String] { lines.withLock { $0 } }

    var metadata: Logger.Metadata {
        get { [:] }
        set {}
    }
    var logLevel: Logger.Level {
        get { .trace }
        set {}
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { nil }
        set {}
    }

    func log(event: LogEvent) {
        lines.withLock { $0.append(event.message.description) }
    }
}
