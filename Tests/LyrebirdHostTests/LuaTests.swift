import LyrebirdBuiltinProviders
import LyrebirdHost
import LyrebirdPluginAPI
import Testing

@Suite struct LuaTests {
    private func reply(_ yaml: String, user: String, stream: Bool = false) async throws -> WireResponse {
        let host = try LyrebirdHost(configuration: try HostConfiguration(yaml: yaml), providers: BuiltinProviders.all)
        let body = #"{"model":"m","stream":\#(stream),"messages":[{"role":"user","content":"\#(user)"}]}"#
        return await host.respond(to: WireRequest(method: .post, path: "/v1/chat/completions", body: Array(body.utf8)))
    }

    private func content(_ response: WireResponse) throws -> String? {
        try JSONValue.parse(response.body)["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue
    }

    @Test func returnedTablesBecomeReplies() async throws {
        let yaml = """
            fixtures:
              - reply:
                  lua_inline: |
                    function respond(req)
                      local decoded = lyrebird.json.decode('{"list": [1, 2, 3], "nested": {"ok": true}}')
                      return { content = req.last_user .. " " .. #decoded.list .. " " .. tostring(decoded.nested.ok) ..
                        " " .. lyrebird.json.encode({ a = 1, b = { 1, 2 } }) .. " " .. req.params.word }
                    end
                  params: {word: done}
            """
        #expect(try content(await reply(yaml, user: "count")) == #"count 3 true {"a":1,"b":[1,2]} done"#)
    }

    @Test func runtimeErrorsNameScriptAndLine() async throws {
        let yaml = """
            fixtures:
              - name: failing
                reply:
                  lua_inline: |
                    function respond(req)
                      error("no luck")
                    end
            """
        let response = try await reply(yaml, user: "x")
        #expect(response.status == 500)
        let message = try JSONValue.parse(response.body)["error"]?["message"]?.stringValue ?? ""
        #expect(message.contains("fixture #1 \"failing\" reply.lua_inline:2: no luck"))
    }

    @Test func syntaxErrorsAreConfigurationProblems() {
        #expect(throws: ConfigurationError.self) {
            try HostConfiguration(yaml: "fixtures: [{reply: {lua_inline: 'function respond(req) return end end'}}]")
        }
    }

    @Test func predicatesMatchAndExplainMisses() throws {
        let configuration = try HostConfiguration(
            yaml: "fixtures: [{name: long, match: {lua: 'return #req.messages > 2'}, reply: {content: long}}]"
        )
        let store = FixtureStore(configuration.fixtures)
        let short = CanonicalRequest(operation: "chat.completions", model: "m", messages: [Message(role: .user, text: "a")])
        #expect(store.firstMatch(for: short) == nil)
        #expect(store.nearMisses(for: short).first?.reasons.first?.contains("Lua predicate") == true)
        let long = CanonicalRequest(
            operation: "chat.completions", model: "m",
            messages: [Message(role: .user, text: "a"), Message(role: .assistant, text: "b"), Message(role: .user, text: "c")]
        )
        #expect(store.firstMatch(for: long)?.id == "long")
    }
}
