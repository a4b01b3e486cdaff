import CLuaSandbox
import Logging
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
    /// What `steps` holds, counted against the state's memory cap while the call runs.
    private var heldBytes = 0
    var toolCalls = 0
    /// Made on first use: most scripts draw no numbers, and the seed hashes the conversation.
    lazy var random = SeededRandom(seed: makeSeed())
    private let makeSeed: () -> UInt64
    /// The fixture's store and the request it partitions by; `nil` for predicates.
    let store: (store: LuaStore, request: CanonicalRequest)?
    /// The inputs of an embedding request, which `reply:embedding` numbers from 1; 0 for a
    /// request that wants a message.
    let embeddingInputs: Int

    /// Where `lyrebird.log` writes: the host's log, with the script's name.
    private let logger: Logger
    private let script: String
    /// Lines `lyrebird.log` wrote in this call.
    private var logged = 0

    init(
        seed: @escaping @autoclosure () -> UInt64, store: (store: LuaStore, request: CanonicalRequest)?, embeddingInputs: Int = 0,
        logger: Logger, script: String
    ) {
        self.script = script
        self.makeSeed = seed
        self.store = store
        self.embeddingInputs = embeddingInputs
        self.logger = logger
    }

    /// The most lines one call may log, and the most characters of each.
    static let logLines = 100
    static let logLineCharacters = 1000

    /// Writes `message` to the host's log, within `logLines` a call, each cut to
    /// `logLineCharacters`; the line after the last one says the rest was dropped.
    func log(_ message: String) {
        logged += 1
        guard logged <= Self.logLines else {
            if logged == Self.logLines + 1 {
                logger.warning("Lua script \(script): more than \(Self.logLines) lyrebird.log lines in one call; the rest are dropped")
            }
            return
        }
        let line = message.count > Self.logLineCharacters ? message.prefix(Self.logLineCharacters) + "…" : Substring(message)
        logger.info("\(line)", metadata: ["lua": "\(script)"])
    }

    /// The store as `partition` of this call's request sees it; `nil` without a store.
    func store(_ partition: LuaStore.Partition) -> LuaStore.Scope? {
        store.map { $0.store.scope(partition, of: $0.request) }
    }

    /// Adds steps holding `bytes` bytes of text to the reply; `false`, adding nothing, when they
    /// do not fit under the state's memory cap beside what the script itself holds. A step
    /// costs what the host holds for it (its text and the step itself), so a script queueing a
    /// million pauses stops at the cap as one allocating a million table slots does.
    func add(_ newSteps: [Step], bytes: Int, in state: OpaquePointer) -> Bool {
        let size = bytes + newSteps.count * MemoryLayout<Step>.stride
        guard lyrebird_lua_hold_memory(state, size) != 0 else { return false }
        heldBytes += size
        steps += newSteps
        return true
    }

    /// Makes `self` reachable from library functions for the duration of `body`. The steps the
    /// call queued leave the state's books with it.
    func attach<Result, Failure: Error>(to state: OpaquePointer, _ body: () throws(Failure) -> Result) throws(Failure) -> Result {
        lyrebird_lua_set_context(state, Unmanaged.passUnretained(self).toOpaque())
        defer {
            lyrebird_lua_set_context(state, nil)
            lyrebird_lua_release_memory(state, heldBytes)
            heldBytes = 0
        }
        return try body()
    }

    /// The context of the call running on `state`, if any.
    static func current(in state: OpaquePointer) -> LuaCallContext? {
        guard let pointer = lyrebird_lua_context(state) else { return nil }
        return Unmanaged<LuaCallContext>.fromOpaque(pointer).takeUnretainedValue()
    }
}
