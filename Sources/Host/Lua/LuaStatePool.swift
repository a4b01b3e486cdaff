import Synchronization

/// Ready Lua states for one script. A state is not thread-safe, so each call takes one and
/// gives it back; states built from an older version of a reloaded script are dropped.
/// Scripts are compiled when a state is built, never per call.
final class LuaStatePool: Sendable {
    let script: LuaScript
    let environment: LuaEnvironment
    private let idle: Mutex<[LuaState]>
    /// More idle states than this are closed rather than kept.
    private let capacity: Int

    /// A pool that builds states as calls need them.
    init(script: LuaScript, environment: LuaEnvironment, capacity: Int = 8) {
        self.script = script
        self.environment = environment
        self.capacity = capacity
        self.idle = Mutex([])
    }

    /// A pool that builds its first state now, so that a script whose top level fails is
    /// refused at start.
    static func prepared(script: LuaScript, environment: LuaEnvironment) throws(LuaScriptError) -> LuaStatePool {
        let pool = LuaStatePool(script: script, environment: environment)
        let current = script.current(logger: environment.logger)
        let first = try LuaState(
            script: script, source: current.source, version: current.version, environment: environment, cancellation: nil)
        pool.idle.withLock { $0.append(first) }
        return pool
    }

    /// Runs `body` with a state of the current script version; a state built for it runs its
    /// top level under `cancellation` too.
    func withState<Result>(
        cancellation: ScriptCancellation?, _ body: (LuaState) throws(LuaScriptError) -> Result
    ) throws(LuaScriptError) -> Result {
        let current = script.current(logger: environment.logger)
        let reusable = idle.withLock { states -> LuaState? in
            states.removeAll { $0.version != current.version }
            return states.popLast()
        }
        let state: LuaState
        if let reusable {
            state = reusable
        } else {
            state = try LuaState(
                script: script, source: current.source, version: current.version, environment: environment, cancellation: cancellation)
        }
        // A failed call may leave the state half-way (over a limit, say): it is not put back.
        let result = try body(state)
        idle.withLock { states in
            if states.count < capacity { states.append(state) }
        }
        return result
    }
}
