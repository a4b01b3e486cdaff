import Logging
import LyrebirdPluginAPI

/// A match condition written in Lua: the body of a function of `req` that returns true to
/// match. A predicate that fails to run (an error, a limit) does not match; the failure is
/// logged, and matching reports it so that the request's journal entry shows it (and strict
/// mode refuses the request).
///
/// `matches` runs the script on the calling thread, within the Lua limits; a caller that must
/// not block (an event loop, Swift's cooperative pool) runs matching on the host's script
/// threads (see `FixtureStore.containsScriptPredicates`).
public final class LuaPredicate: Sendable {
    private let pool: LuaStatePool

    init(script: LuaScript, environment: LuaEnvironment) throws(LuaScriptError) {
        pool = try LuaStatePool.prepared(script: script, environment: environment)
    }

    private init(pool: LuaStatePool) {
        self.pool = pool
    }

    /// This predicate with the Lua settings of a host.
    func running(on runtime: ScriptRuntime) -> LuaPredicate {
        LuaPredicate(pool: LuaStatePool(script: pool.script, environment: pool.environment.running(on: runtime)))
    }

    /// The predicate's text as a reader would name it.
    public var summary: String { "satisfies Lua predicate \(pool.script.name)" }

    /// Whether the script accepts `request`. A script that fails or overruns its limits does not
    /// match.
    public func matches(_ request: CanonicalRequest) -> Bool {
        (try? evaluate(request, cancellation: nil).get()) ?? false
    }

    /// Whether `request` matches, or why the script failed; `cancellation` stops the script at
    /// its next budget check.
    func evaluate(_ request: CanonicalRequest, cancellation: ScriptCancellation?) -> Result<Bool, LuaScriptError> {
        let context = LuaCallContext(
            seed: LuaRequestTable.seed(for: request), store: nil, logger: pool.environment.logger, script: pool.script.name)
        do {
            let result = try pool.withState(cancellation: cancellation) { state throws(LuaScriptError) in
                try state.call(with: LuaRequestTable.make(request, parameters: .null), context: context, cancellation: cancellation)
            }
            switch result {
            case .null, .bool(false): return .success(false)
            default: return .success(true)
            }
        } catch {
            pool.environment.logger.warning("\(error.description); treating it as no match")
            return .failure(error)
        }
    }
}
