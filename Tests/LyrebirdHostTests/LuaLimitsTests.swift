import Foundation
import Logging
import LyrebirdBuiltinProviders
import LyrebirdPluginAPI
import Synchronization
import Testing

@testable import LyrebirdHost

/// Scripts that tried to keep a thread forever, or to take the host down, and what they get now.
@Suite struct LuaLimitsTests {
    private static let settings = """
        settings:
          lua_instruction_limit: 200000
          lua_time_limit_ms: 5000
          lua_memory_limit_bytes: 4000000
        """

    private func host(_ fixtures: String, settings: String = LuaLimitsTests.settings) throws -> LyrebirdHost {
        try LyrebirdHost(configuration: try HostConfiguration(yaml: settings + "\n" + fixtures), providers: BuiltinProviders.all)
    }

    private func ask(_ host: LyrebirdHost, _ body: String) async throws -> (status: Int, message: String) {
        let response = await host.respond(to: WireRequest(method: .post, path: "/v1/chat/completions", body: Array(body.utf8)))
        let json = try JSONValue.parse(response.body)
        let text = json["error"]?["message"]?.stringValue ?? json["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue
        return (response.status, text ?? "")
    }

    private func answer(_ script: String, settings: String = LuaLimitsTests.settings) async throws -> (status: Int, message: String) {
        let escaped = script.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        let host = try host("fixtures: [{reply: {lua_inline: \"function respond(req, reply) \(escaped) end\"}}]", settings: settings)
        return try await ask(host, #"{"model":"m","messages":[{"role":"user","content":"go"}]}"#)
    }

    // A script that still hung would fail at the time limit (no elapsed-time checks here: the
    // suites run in parallel on two cores).
    @Test(
        .timeLimit(.minutes(1)),
        arguments: [
            "while true do pcall(function() while true do end end) end",
            "while true do xpcall(function() while true do end end, function(m) return m end) end",
            "while true do xpcall(function() while true do end end, function() while true do end end) end",
            "error(setmetatable({}, {__tostring = function() while true do end end}))",
            "while true do local s = string.rep('', math.maxinteger) end",
            "return string.rep('x', 1e9)",
            "table.move({}, 1, math.maxinteger - 1, 1, {})",
            "table.insert(setmetatable({}, {__len = function() return math.maxinteger - 1 end}), 1, 0)",
            "table.remove(setmetatable({}, {__len = function() return math.maxinteger end}), 1)",
            "table.concat(setmetatable({}, {__index = function() return '' end}), '', 1, math.maxinteger)",
            "return ('x'):rep(100000):find(string.rep('.-', 20) .. 'y')",
            "return ('a'):rep(1000000):find(('a'):rep(500000) .. 'b', 1, true)",
            "local t = {} for i = 1, 100000 do t[i] = 65 end while true do string.char(table.unpack(t)) end",
            "local t = {} for i = 1, 100000 do t[i] = 65 end while true do utf8.char(table.unpack(t)) end",
        ])
    func budgetStopsWhatLoopsOutsideTheVM(script: String) async throws {
        let (status, message) = try await answer(script)
        #expect(status == 500)
        #expect(message.contains("instruction limit exceeded (lua_instruction_limit: 200000 instructions per call)"), "\(message)")
    }

    @Test(.timeLimit(.minutes(1))) func theWallClockStopsWhatTheInstructionCountAllows() async throws {
        let settings = "settings: {lua_instruction_limit: 2000000000, lua_time_limit_ms: 200}"
        let (status, message) = try await answer("while true do end", settings: settings)
        #expect(status == 500)
        #expect(message.contains("time limit exceeded (lua_time_limit_ms: 200 ms per call)"), "\(message)")
    }

    // A table can hold one large string many times over: as JSON, or as reply steps, each copy
    // would be host memory.
    @Test(
        .timeLimit(.minutes(1)),
        arguments: [
            (
                "local s = ('x'):rep(100000) local t = {} for i = 1, 1000 do t[i] = s end return lyrebird.json.encode(t)",
                "lyrebird.json.encode: the value is larger than lua_memory_limit_bytes (4000000 bytes) as JSON"
            ),
            (
                "local s = ('x'):rep(100000) local t = {} for i = 1, 1000 do t[i] = s end return t",
                "the returned value is larger than lua_memory_limit_bytes (4000000 bytes) as JSON"
            ),
            (
                "local s = ('x'):rep(100000) local t = {} for i = 1, 1000 do t['k' .. i] = s end lyrebird.store.set('big', t)",
                "lyrebird.store.set: the value is larger than lua_memory_limit_bytes (4000000 bytes) as JSON"
            ),
            (
                "local s = ('x'):rep(100000) while true do reply:text(s) end",
                "reply: the reply and the script's memory together pass lua_memory_limit_bytes (4000000 bytes)"
            ),
            (
                "while true do reply:pause(0) end",
                "reply: the reply and the script's memory together pass lua_memory_limit_bytes (4000000 bytes)"
            ),
        ])
    func valuesLeavingLuaAreBoundedByTheStatesCap(script: String, reason: String) async throws {
        // Instructions enough to reach the memory cap first.
        let settings = "settings: {lua_instruction_limit: 100000000, lua_time_limit_ms: 30000, lua_memory_limit_bytes: 4000000}"
        let (status, message) = try await answer(script, settings: settings)
        #expect(status == 500)
        #expect(message.contains(reason), "\(message)")
    }

    @Test func longErrorMessagesAreCut() async throws {
        let (status, message) = try await answer("error(('x'):rep(1000000), 0)")
        #expect(status == 500)
        #expect(message.hasSuffix(String(repeating: "x", count: 10) + "..."))
        #expect(message.count < 1100)
    }

    @Test func finalizersAreRefused() async throws {
        let (status, message) = try await answer("setmetatable({}, {__gc = function() while true do end end}) return 'armed'")
        #expect(status == 500)
        #expect(message.contains("metatables with __gc are not allowed"), "\(message)")
    }

    @Test func emptyRepetitionsAndOrdinaryLibraryCallsStillWork() async throws {
        let (status, message) = try await answer(
            "return '[' .. string.rep('', math.maxinteger) .. ']' .. table.concat({'a', 'b'}, ',') .. select(2, ('xyx'):gsub('x', 'z'))"
                + " .. string.format('%5.1f', 2.25) .. #table.pack(table.unpack({1, 2, 3})) .. utf8.char(72, 105)")
        #expect(status == 200)
        #expect(message == "[]a,b2  2.23Hi", "\(message)")
    }

    @Test func pcallStillCatchesOrdinaryErrors() async throws {
        let (status, message) = try await answer(
            "local ok, e = pcall(error, 'boom') local ok2, e2 = xpcall(error, function(m) return 'handled ' .. m end, 'bang')"
                + " return tostring(ok) .. ' ' .. e .. ' ' .. tostring(ok2) .. ' ' .. e2")
        #expect(status == 200)
        #expect(message == "false boom false handled bang", "\(message)")
    }

    /// 8,000 messages: a quarter of a megabyte of JSON, about four times that as Lua tables,
    /// against a state capped at 300 kB (the conformance suite sends 80,000 to the real binary).
    private static let smallStates = "settings: {lua_memory_limit_bytes: 300000}"

    private func hugeConversation() -> String {
        let message = #"{"role":"user","content":"hi"}"#
        return #"{"model":"m","messages":["# + Array(repeating: message, count: 8_000).joined(separator: ",") + "]}"
    }

    @Test func aRequestTooBigForTheStateIsAnErrorNamingTheLimit() async throws {
        let host = try host(
            "fixtures: [{reply: {lua_inline: \"function respond(req) return #req.messages end\"}}]", settings: Self.smallStates)
        let (status, message) = try await ask(host, hugeConversation())
        #expect(status == 500)
        #expect(message.contains("lua_memory_limit_bytes (300000 bytes)"), "\(message)")
        let (smallStatus, small) = try await ask(host, #"{"model":"m","messages":[{"role":"user","content":"go"}]}"#)
        #expect(smallStatus == 200 && small == "1")
    }

    @Test func aRequestTooBigForAPredicateDoesNotMatch() async throws {
        let host = try host(
            """
            fixtures:
              - {match: {lua: "return true"}, reply: {content: predicate}}
              - {reply: {content: fallback}}
            """, settings: Self.smallStates)
        let (status, message) = try await ask(host, hugeConversation())
        #expect(status == 200 && message == "fallback")
    }

    @Test func theHostsLimitsApplyToFixturesAddedLater() async throws {
        let host = try host("fixtures: []", settings: "settings: {lua_instruction_limit: 5000}")
        host.fixtures.add(try Fixture(yaml: #"{reply: {lua_inline: "function respond(req) for i = 1, 100000 do end end"}}"#))
        let (status, message) = try await ask(host, #"{"model":"m","messages":[{"role":"user","content":"go"}]}"#)
        #expect(status == 500)
        #expect(message.contains("lua_instruction_limit: 5000 instructions"), "\(message)")
    }

    @Test(.timeLimit(.minutes(1))) func aScriptStopsWhenItsClientGoesAway() async throws {
        let script = try LuaScript(inline: "function respond(req) while true do end end", name: "spin", kind: .responder)
        let states = LuaStatePool(
            script: script, environment: LuaEnvironment(limits: LuaLimits(instructions: 2_000_000_000, timeMilliseconds: 60_000)))
        let threads = ScriptThreadPool(threads: 1, queueTimeout: .seconds(30))
        let started = TestSignal()
        let clock = ContinuousClock.now
        let call = Task {
            try await threads.run { cancellation in
                started.raise()
                return Result { () throws(LuaScriptError) in
                    try states.withState(cancellation: cancellation) { state throws(LuaScriptError) in
                        try state.call(
                            with: .object([:]),
                            context: LuaCallContext(seed: 1, store: nil, logger: Logger(label: "test"), script: "stuck"),
                            cancellation: cancellation)
                    }
                }
            }
        }
        try await started.wait()
        try await Task.sleep(for: .milliseconds(50))
        call.cancel()
        guard case .failure(let failure) = try await call.value else {
            Issue.record("the script returned although it never ends")
            return
        }
        #expect(failure.message.hasSuffix("stopped because the client went away"), "\(failure.message)")
        // Well before the script's own limit of a minute.
        #expect(ContinuousClock.now - clock < .seconds(50))
    }
}
