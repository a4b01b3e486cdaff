import FuzzSupport
import LyrebirdHost
import LyrebirdPluginAPI

/// The Lua sandbox and the Lua-to-reply conversion: each input is a fixture's `lua_inline`
/// script, loaded under small limits and answering one request, streamed or whole, in the chat
/// completions or the Anthropic shape. Scripts may fail in any way (a 500 naming the script is
/// their right), but every response must be well formed and the host must survive.
let limits = "lua_instruction_limit: 200000, lua_time_limit_ms: 200, lua_memory_limit_bytes: 4194304"
/// Streamed replies are cut in pieces of 64 characters rather than the default 16: a script may
/// return megabytes, and the checks read every event back, which at 16 characters a piece takes
/// longer than libFuzzer's timeout in the debug build for a reply that is merely large.
let host = FuzzHosts.make(yaml: "settings: {script_threads: 1, stream_chunk_characters: 64, \(limits)}")

/// The four ways the reply leaves: both providers, streamed and whole.
let requests: [(path: String, body: String)] = [false, true].flatMap { stream in
    [
        (
            "/v1/chat/completions",
            #"{"model":"gpt-4o","stream":\#(stream),"messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hello there"}],"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]}"#
        ),
        (
            "/v1/messages",
            #"{"model":"claude-sonnet-4-5","max_tokens":64,"stream":\#(stream),"system":"be brief","messages":[{"role":"user","content":"hello there"}]}"#
        ),
    ]
}

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let script = String(decoding: inputBytes(data, size), as: UTF8.self)
    let yaml = "settings: {\(limits)}\nfixtures:\n  - reply: {lua_inline: \"\(YAMLText.escaped(script))\"}\n"
    // Scripts that do not compile are the configuration's to refuse.
    guard let fixture = try? HostConfiguration(yaml: yaml, file: "<fuzz>").fixtures.first else { return 0 }
    let id = host.fixtures.add(fixture)
    defer { host.fixtures.remove(id: id) }
    let (path, body) = requests[size % requests.count]
    let request = WireRequest(method: .post, path: path, body: Array(body.utf8))
    // A script may pause its reply for up to a minute: that is a slow reply, not a hang.
    guard let response = blocking(timeoutSeconds: 2, { await host.respond(to: request) }) else { return 0 }
    WireChecks.requireWellFormed(response, request: Array(script.utf8))
    return 0
}

runFuzzer(testOneInput)
