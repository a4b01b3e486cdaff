import CLua
import CLuaSandbox
import FuzzSupport

/// The sandbox's own pattern matcher against liblua's. The input is a pattern, a subject, a
/// replacement and an options byte, separated by 0xFF bytes (missing parts are empty); string.find
/// (plain and not, with an init the options byte gives), match, gmatch, and gsub with the
/// replacement as a string, as a table's values and as a function's result, run on them in a
/// plain state with liblua's libraries and in a sandboxed one. Every answer, error messages
/// included, must be the same.
///
/// liblua's matcher can take exponential time and nothing stops it, so the sandbox runs first:
/// it charges every step of the same search, and an input that spends its instructions there is
/// not run in the plain state.
let instructions: Int64 = 1_000_000

let harness = """
    local function show(v)
      if type(v) == "string" then return "s" .. #v .. ":" .. v end
      if type(v) == "number" then return math.type(v) .. ":" .. tostring(v) end
      return type(v) == "table" and "table" or tostring(v)
    end
    function describe(...)
      local s = tostring(select("#", ...))
      for i = 1, select("#", ...) do s = s .. "|" .. show((select(i, ...))) end
      return s .. "\\n"
    end
    function collect(...)
      local ok, iterator = pcall(string.gmatch, ...)
      if not ok then return describe(ok, iterator) end
      local s = ""
      for _ = 1, 300 do
        local answer = describe(pcall(iterator))
        s = s .. answer
        if answer == "1|true\\n" or answer:sub(1, 7) == "2|false" then break end
      end
      return s .. describe(pcall(iterator))
    end
    function compare(s, p, r, init, plain)
      local log = ""
      local function note(...) log = log .. describe(...) return ... end
      local values = setmetatable({}, {__index = function(_, k) note(k) return r end})
      return describe(pcall(string.find, s, p, init, plain)) .. describe(pcall(string.find, s, p))
        .. describe(pcall(string.match, s, p, init)) .. collect(s, p, init)
        .. describe(pcall(string.gsub, s, p, r)) .. describe(pcall(string.gsub, s, p, r, init))
        .. describe(pcall(string.gsub, s, p, values)) .. describe(pcall(string.gsub, s, p, function(...) note(...) return r end))
        .. log
    end
    function respond() end
    """

// Both states are created once; libFuzzer calls `testOneInput` on one thread at a time.
nonisolated(unsafe) let reference: OpaquePointer = {
    let state: OpaquePointer = luaL_newstate()
    luaL_openlibs(state)
    require(runPlain(state, Array(harness.utf8)), "the harness does not load in liblua: \(excerpt(top(state)))")
    return state
}()

nonisolated(unsafe) let sandbox: OpaquePointer = {
    let state: OpaquePointer = lyrebird_lua_newstate(64 << 20)
    require(lyrebird_lua_setup(state, nil, 0) == LUA_OK, "the sandbox does not open: \(excerpt(top(state)))")
    lyrebird_lua_begin(state, instructions, 10_000)
    require(load(state, Array(harness.utf8), responder: true), "the harness does not load in the sandbox: \(excerpt(top(state)))")
    return state
}()

/// Loads a chunk into the sandbox: a responder's chunk runs, any other becomes the entry.
func load(_ state: OpaquePointer, _ source: [UInt8], responder: Bool) -> Bool {
    source.withUnsafeBufferPointer { bytes in
        bytes.withMemoryRebound(to: CChar.self) { lyrebird_lua_load(state, $0.baseAddress, $0.count, "=case", responder ? 1 : 0) }
    } == LUA_OK
}

/// Loads and runs a chunk in the plain state: its result, or the message, is on the top.
func runPlain(_ state: OpaquePointer, _ source: [UInt8]) -> Bool {
    lua_settop(state, 0)
    let loaded = source.withUnsafeBufferPointer { bytes in
        bytes.withMemoryRebound(to: CChar.self) { lyrebird_lua_loadbuffer(state, $0.baseAddress, $0.count, "=case") }
    }
    return loaded == LUA_OK && lua_pcallk(state, 0, 1, 0, 0, nil) == LUA_OK
}

/// The bytes of the string on the top of the stack.
func top(_ state: OpaquePointer) -> [UInt8] {
    var length = 0
    guard let text = lua_tolstring(state, -1, &length) else { return Array("(not a string)".utf8) }
    return text.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }
}

/// `bytes` as a Lua string literal, every byte escaped in decimal.
func literal(_ bytes: ArraySlice<UInt8>) -> String {
    "\"" + bytes.map { byte in "\\" + String(repeating: "0", count: byte < 10 ? 2 : byte < 100 ? 1 : 0) + String(byte) }.joined() + "\""
}

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = inputBytes(data, size)
    let parts = bytes.split(separator: 0xFF, maxSplits: 3, omittingEmptySubsequences: false)
    let part = { (index: Int) in index < parts.count ? parts[index] : [] }
    let options = part(3).first ?? 0
    // An init from -16 to 15, and the low bit for find's plain.
    let initArgument = Int(options >> 3) - 16
    let plain = options & 1 == 1 ? "true" : "nil"
    let snippet = "return compare(\(literal(part(1))), \(literal(part(0))), \(literal(part(2))), \(initArgument), \(plain))"
    let source = Array(snippet.utf8)

    lyrebird_lua_begin(sandbox, instructions, 10_000)
    var status = load(sandbox, source, responder: false) ? LUA_OK : LUA_ERRSYNTAX
    if status == LUA_OK {
        _ = lyrebird_lua_set_scratch(sandbox, [UInt8(LYREBIRD_LUA_VALUE_NIL)], 1)
        status = lyrebird_lua_call(sandbox, 0)
    }
    if lyrebird_lua_stop_reason(sandbox) != LYREBIRD_LUA_RUNNING { return 0 }
    let sandboxAnswer = (status == LUA_OK ? [] : Array("error: ".utf8)) + top(sandbox)
    let referenceAnswer = (runPlain(reference, source) ? [] : Array("error: ".utf8)) + top(reference)
    require(
        referenceAnswer == sandboxAnswer,
        "the sandbox answers differently from liblua for \(excerpt(bytes))\nliblua:\n\(excerpt(referenceAnswer, limit: 2000))\nsandbox:\n\(excerpt(sandboxAnswer, limit: 2000))"
    )
    return 0
}

runFuzzer(testOneInput)
