/// What one Lua call may spend. A call over a limit stops and fails with a 500 naming the setting.
public struct LuaLimits: Sendable, Hashable {
    /// VM instructions per call (`lua_instruction_limit`); library functions pay for their work
    /// in the same units (checked every 1000).
    public var instructions: Int
    /// Bytes a Lua state may hold, script and data together (`lua_memory_limit_bytes`).
    public var memoryBytes: Int
    /// Wall-clock milliseconds per call (`lua_time_limit_ms`), checked with the instructions.
    public var timeMilliseconds: Int

    /// Creates limits; the defaults are the documented settings' defaults.
    public init(instructions: Int = 10_000_000, memoryBytes: Int = 16 * 1024 * 1024, timeMilliseconds: Int = 1000) {
        self.instructions = instructions
        self.memoryBytes = memoryBytes
        self.timeMilliseconds = timeMilliseconds
    }
}
