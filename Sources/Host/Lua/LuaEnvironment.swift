import Logging

/// What every Lua script of one configuration shares: its limits, its native functions and
/// how streamed text is cut.
public struct LuaEnvironment: Sendable {
    /// What one Lua call may spend.
    public var limits: LuaLimits
    /// The native functions scripts may call.
    public var natives: LuaNatives
    /// Streamed text from a returned reply table is cut into pieces of about this size.
    public var streamChunkCharacters: Int
    /// Where scripts' failures and reloads are logged: the host's logger once a host runs them.
    public var logger: Logger

    /// Creates an environment; the defaults are those of an empty configuration.
    public init(
        limits: LuaLimits = LuaLimits(), natives: LuaNatives = .none, streamChunkCharacters: Int = 16,
        logger: Logger = Logger(label: "lyrebird")
    ) {
        self.limits = limits
        self.natives = natives
        self.streamChunkCharacters = streamChunkCharacters
        self.logger = logger
    }
}

extension LuaEnvironment {
    /// This environment with the Lua settings of a host: its limits and its stream chunk size.
    /// The native functions stay those the script was configured with.
    func running(on runtime: ScriptRuntime) -> LuaEnvironment {
        LuaEnvironment(
            limits: runtime.luaLimits, natives: natives, streamChunkCharacters: runtime.streamChunkCharacters, logger: runtime.logger)
    }
}
