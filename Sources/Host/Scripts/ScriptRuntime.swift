import Logging

/// What a host gives the scripts of its fixtures and its plugin responders: the threads they
/// run on and the Lua settings of its configuration.
struct ScriptRuntime: Sendable {
    let threads: ScriptThreadPool
    let luaLimits: LuaLimits
    let streamChunkCharacters: Int
    /// The host's logger, for what its scripts log.
    let logger: Logger
    /// The host's store, where Lua fixtures keep their `lyrebird.store` values.
    let store: HostStore
}
