import CLua
import CLuaSandbox
import LyrebirdPluginAPI

/// One sandboxed Lua state with a script loaded, ready to be called. Not thread-safe: a
/// `LuaStatePool` hands it to one call at a time. A state whose call failed is dropped, never
/// reused; closing it runs no script code.
final class LuaState: @unchecked Sendable {
    let pointer: OpaquePointer
    /// The script version this state was built from.
    let version: Int
    private let kind: LuaScript.Kind
    private let limits: LuaLimits
    private let scriptName: String

    /// Builds a state and loads `source`; a responder's chunk runs once, within the limits, to
    /// define `respond`.
    init(
        script: LuaScript, source: String, version: Int, environment: LuaEnvironment, cancellation: ScriptCancellation?
    ) throws(LuaScriptError) {
        guard let pointer = lyrebird_lua_newstate(environment.limits.memoryBytes) else {
            throw LuaScriptError(script: script.name, message: "cannot create a Lua state")
        }
        let limits = environment.limits
        var status = LuaFunction.setUp(LuaLibrary.functions(natives: environment.natives), in: pointer)
        if status == LUA_OK {
            lyrebird_lua_begin(pointer, Int64(limits.instructions), Int64(limits.timeMilliseconds))
            status = Self.interruptible(pointer, by: cancellation) {
                source.withCString { text in
                    lyrebird_lua_load(pointer, text, source.utf8.count, script.chunkName, script.kind == .responder ? 1 : 0)
                }
            }
        }
        if status != LUA_OK {
            let message = Self.failure(in: pointer, status: status, limits: limits)
            lyrebird_lua_close(pointer)
            throw LuaScriptError(script: script.name, message: message)
        }
        self.pointer = pointer
        self.version = version
        self.kind = script.kind
        self.limits = limits
        self.scriptName = script.name
    }

    deinit {
        lyrebird_lua_close(pointer)
    }

    /// Calls the script with `request` (and a fresh `reply` object for responders) and returns
    /// its result as JSON. `cancellation` stops the script at its next budget check.
    ///
    /// - Throws: `LuaScriptError` with `chunk:line: reason` for a runtime error, or the limit
    ///   that was exceeded.
    func call(with request: JSONValue, context: LuaCallContext, cancellation: ScriptCancellation?) throws(LuaScriptError) -> JSONValue {
        var writer = LuaValueWriter()
        writer.write(request)
        guard writer.bytes.withUnsafeBytes({ lyrebird_lua_set_scratch(pointer, $0.baseAddress, $0.count) }) != 0 else {
            throw LuaScriptError(script: scriptName, message: "the host is out of memory for the request")
        }
        lyrebird_lua_begin(pointer, Int64(limits.instructions), Int64(limits.timeMilliseconds))
        let status = context.attach(to: pointer) {
            Self.interruptible(pointer, by: cancellation) { lyrebird_lua_call(pointer, kind == .responder ? 1 : 0) }
        }
        defer { lua_settop(pointer, 0) }
        guard status == LUA_OK else {
            throw LuaScriptError(script: scriptName, message: Self.failure(in: pointer, status: status, limits: limits))
        }
        do {
            return try LuaValues.json(at: -1, in: pointer)
        } catch {
            throw LuaScriptError(script: scriptName, message: "the returned value is \(error.description)")
        }
    }

    /// Runs `body` so that cancelling `cancellation` interrupts the state.
    private static func interruptible(_ pointer: OpaquePointer, by cancellation: ScriptCancellation?, _ body: () -> Int32) -> Int32 {
        guard let cancellation else { return body() }
        // The handler may run on another thread: it only sets the state's atomic interrupt flag.
        let address = UInt(bitPattern: pointer)
        return cancellation.whileRunning(onCancel: { lyrebird_lua_interrupt(OpaquePointer(bitPattern: address)) }, body)
    }

    /// Longer error messages are cut to this many characters.
    static let maximumMessageCharacters = 1000

    /// What went wrong in the failed call whose message is on the stack top, naming the
    /// setting of a limit that stopped it.
    private static func failure(in pointer: OpaquePointer, status: Int32, limits: LuaLimits) -> String {
        var message = LuaValues.string(at: -1, in: pointer) ?? "unknown error"
        // The message goes to the client, the log and the journal: a script's error(...) can be megabytes.
        if message.count > maximumMessageCharacters { message = message.prefix(maximumMessageCharacters) + "..." }
        switch lyrebird_lua_stop_reason(pointer) {
        case LYREBIRD_LUA_STOPPED_INSTRUCTIONS:
            return message + " (lua_instruction_limit: \(limits.instructions) instructions per call)"
        case LYREBIRD_LUA_STOPPED_TIME:
            return message + " (lua_time_limit_ms: \(limits.timeMilliseconds) ms per call)"
        case LYREBIRD_LUA_STOPPED_INTERRUPTED:
            return message
        default:
            break
        }
        if lyrebird_lua_failed_building_request(pointer) != 0 {
            return
                "the request does not fit in the Lua state: building req needs more than lua_memory_limit_bytes (\(limits.memoryBytes) bytes)"
        }
        // A memory error caught by the script and raised again keeps Lua's plain message.
        if status == LUA_ERRMEM || (lyrebird_lua_memory_refused(pointer) != 0 && message == "not enough memory") {
            return "memory limit exceeded (lua_memory_limit_bytes: \(limits.memoryBytes) bytes per state)"
        }
        return message
    }
}
