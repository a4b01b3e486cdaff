import CLuaSandbox
import LyrebirdPluginAPI

/// What a Lua call can reach while it runs: the reply it is building, its random source and
/// its store. Lives for one call, on the thread running it; the library functions find it
/// through the state's sandbox books.
final class LuaCallContext {
    /// A step of a hand-driven reply.
    enum Step {
        case event(ReplyEvent)
        case pause(milliseconds: Int)
    }

    private(set) var steps: [Step] = []
    /// The bytes of text and tool arguments in `steps`.
    private var stepBytes = 0
    var toolCalls = 0
    /// Made on first use: most scripts draw no numbers, and the seed hashes the conversation.
    lazy var random = SeededRandom(seed: makeSeed())
    private let makeSeed: () -> UInt64
    let store: LuaStore.Scope?
    /// The inputs of an embedding request, which `reply:embedding` numbers from 1; 0 for a
    /// request that wants a message.
    let embeddingInputs: Int

    init(seed: @escaping @autoclosure () -> UInt64, store: LuaStore.Scope?, embeddingInputs: Int = 0) {
        self.makeSeed = seed
        self.store = store
        self.embeddingInputs = embeddingInputs
    }

    /// What each step costs on top of its text.
    private static let stepOverhead = 16

    /// Adds steps holding `bytes` bytes of text to the reply; `false`, adding nothing, when the
    /// reply would grow past `limit` bytes.
    func add(_ newSteps: [Step], bytes: Int, limit: Int) -> Bool {
        let size = bytes + newSteps.count * Self.stepOverhead
        guard stepBytes + size <= limit else { return false }
        stepBytes += size
        steps += newSteps
        return true
    }

    /// Makes `self` reachable from library functions for the duration of `body`.
    func attach<Result, Failure: Error>(to state: OpaquePointer, _ body: () throws(Failure) -> Result) throws(Failure) -> Result {
        lyrebird_lua_set_context(state, Unmanaged.passUnretained(self).toOpaque())
        defer { lyrebird_lua_set_context(state, nil) }
        return try body()
    }

    /// The context of the call running on `state`, if any.
    static func current(in state: OpaquePointer) -> LuaCallContext? {
        guard let pointer = lyrebird_lua_context(state) else { return nil }
        return Unmanaged<LuaCallContext>.fromOpaque(pointer).takeUnretainedValue()
    }
}
