import Logging
import LyrebirdPluginAPI

/// A match condition written in Lua: the body of a function of `req` that returns true to
/// match. A predicate that fails to run does not match, and the failure is logged.
public final class LuaPredicate: Sendable {
    private let pool: LuaStatePool
    private let logger = Logger(label: "lyrebird.lua")

    init(script: LuaScript, environment: LuaEnvironment) throws(LuaScriptError) {
        pool = try LuaStatePool(script: script, environment: environment)
    }

    /// The predicate's text as a reader would name it.
    public var summary: String { "satisfies Lua predicate \(pool.script.name)" }

    public func matches(_ request: CanonicalRequest) -> Bool {
        let context = LuaCallContext(seed: LuaRequestTable.seed(for: request), store: nil)
        do {
            let result = try pool.withState { state throws(LuaScriptError) in
                try state.call(with: LuaRequestTable.make(request, parameters: .null), context: context)
            }
            switch result {
            case .null, .bool(false): return false
            default: return true
            }
        } catch {
            logger.warning("\(error.description); treating it as no match")
            return false
        }
    }
}
