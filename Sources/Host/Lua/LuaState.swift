import CLua
import LyrebirdPluginAPI

/// One sandboxed Lua state with a script loaded, ready to be called. Not thread-safe: a
/// `LuaStatePool` hands it to one call at a time.
final class LuaState: @unchecked Sendable {
    let pointer: OpaquePointer
    /// The script version this state was built from.
    let version: Int
    private let entry: Int32
    private let kind: LuaScript.Kind
    private let limits: LuaLimits
    private let scriptName: String

    init(script: LuaScript, source: String, version: Int, environment: LuaEnvironment) throws(LuaScriptError) {
        guard let pointer = lyrebird_lua_newstate(environment.limits.memoryBytes) else {
            throw LuaScriptError(script: script.name, message: "cannot create a Lua state")
        }
        self.pointer = pointer
        self.version = version
        self.kind = script.kind
        self.limits = environment.limits
        self.scriptName = script.name
        lyrebird_lua_open_safe_libs(pointer)
        LuaLibrary.install(in: pointer, natives: environment.natives)

        let loaded = source.withCString { text in
            lyrebird_lua_loadbuffer(pointer, text, source.utf8.count, script.chunkName)
        }
        guard loaded == LUA_OK else {
            let message = LuaValues.string(at: -1, in: pointer) ?? "syntax error"
            lyrebird_lua_close(pointer)
            throw LuaScriptError(script: script.name, message: message)
        }
        switch kind {
        case .predicate:
            entry = luaL_ref(pointer, lyrebird_lua_registryindex())
        case .responder:
            // Run the chunk once so it defines respond; budgeted like any call.
            let message = Self.protectedCall(pointer, arguments: 0, results: 0, limits: environment.limits)
            if let message {
                lyrebird_lua_close(pointer)
                throw LuaScriptError(script: script.name, message: message)
            }
            lua_getglobal(pointer, "respond")
            guard lua_type(pointer, -1) == LUA_TFUNCTION else {
                lyrebird_lua_close(pointer)
                throw LuaScriptError(script: script.name, message: "the script does not define a function respond(req, reply)")
            }
            entry = luaL_ref(pointer, lyrebird_lua_registryindex())
        }
    }

    deinit {
        lyrebird_lua_close(pointer)
    }

    /// Calls the script with `request` (and a fresh `reply` object for responders) and returns
    /// its result as JSON.
    ///
    /// - Throws: `LuaScriptError` with `chunk:line: reason` for a runtime error, or the limit
    ///   that was exceeded.
    func call(with request: JSONValue, context: LuaCallContext) throws(LuaScriptError) -> JSONValue {
        lua_settop(pointer, 0)
        lua_rawgeti(pointer, lyrebird_lua_registryindex(), lua_Integer(entry))
        guard LuaValues.push(request, to: pointer) else {
            throw LuaScriptError(script: scriptName, message: "memory limit of \(limits.memoryBytes) bytes exceeded building the request")
        }
        var arguments: Int32 = 1
        if case .responder = kind {
            LuaLibrary.pushReplyObject(in: pointer)
            arguments = 2
        }
        let failure = context.attach(to: pointer) {
            Self.protectedCall(pointer, arguments: arguments, results: 1, limits: limits)
        }
        if let failure { throw LuaScriptError(script: scriptName, message: failure) }
        defer { lua_settop(pointer, 0) }
        return LuaValues.json(at: -1, in: pointer)
    }

    /// Calls the function below the `arguments` on the stack top under the instruction budget;
    /// returns the error message, or `nil` on success.
    private static func protectedCall(_ pointer: OpaquePointer, arguments: Int32, results: Int32, limits: LuaLimits) -> String? {
        let functionIndex = lua_gettop(pointer) - arguments
        lyrebird_lua_push_message_handler(pointer)
        lua_rotate(pointer, functionIndex, 1)
        lyrebird_lua_begin_call(pointer, Int64(limits.instructions))
        let status = lyrebird_lua_pcall(pointer, arguments, results, functionIndex)
        lua_rotate(pointer, functionIndex, -1)
        lyrebird_lua_pop(pointer, 1)
        guard status != LUA_OK else { return nil }
        if status == LUA_ERRMEM {
            return "memory limit of \(limits.memoryBytes) bytes exceeded"
        }
        let message = LuaValues.string(at: -1, in: pointer) ?? "unknown error"
        let firstLine = message.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? message
        if firstLine.hasSuffix("instruction limit exceeded") {
            return firstLine + " (limit \(limits.instructions) instructions per call)"
        }
        return firstLine
    }
}
