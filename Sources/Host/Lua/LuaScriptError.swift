/// A Lua script that failed to compile or to run.
public struct LuaScriptError: Error, Sendable, CustomStringConvertible {
    /// The script's name (its file, or `fixture "name" (inline)`).
    public var script: String
    /// Lua's message, with `chunk:line:` where Lua knows it.
    public var message: String

    /// "Lua script NAME failed: MESSAGE".
    public var description: String { "Lua script \(script) failed: \(message)" }
}
