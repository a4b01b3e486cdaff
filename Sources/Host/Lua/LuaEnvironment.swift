/// What every Lua script of one configuration shares: its limits, its native functions and
/// how streamed text is cut.
public struct LuaEnvironment: Sendable {
    public var limits: LuaLimits
    public var natives: LuaNatives
    /// Streamed text from a returned reply table is cut into pieces of about this size.
    public var streamChunkCharacters: Int

    public init(limits: LuaLimits = LuaLimits(), natives: LuaNatives = .none, streamChunkCharacters: Int = 16) {
        self.limits = limits
        self.natives = natives
        self.streamChunkCharacters = streamChunkCharacters
    }
}
