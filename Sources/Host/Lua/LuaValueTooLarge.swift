/// A value leaving Lua whose JSON would be larger than its state's memory cap: a table can hold
/// the same large string or table many times over, and each copy becomes host memory.
struct LuaValueTooLarge: Error {
    /// The state's `lua_memory_limit_bytes`.
    let limit: Int

    var description: String { "larger than lua_memory_limit_bytes (\(limit) bytes) as JSON" }
}
