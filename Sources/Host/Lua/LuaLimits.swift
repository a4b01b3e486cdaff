/// What one Lua call may spend. A call over either limit fails with a 500 naming the limit.
public struct LuaLimits: Sendable, Hashable {
    /// VM instructions per call (checked every 1000 instructions).
    public var instructions: Int
    /// Bytes a Lua state may hold, script and data together.
    public var memoryBytes: Int

    public init(instructions: Int = 10_000_000, memoryBytes: Int = 16 * 1024 * 1024) {
        self.instructions = instructions
        self.memoryBytes = memoryBytes
    }
}
