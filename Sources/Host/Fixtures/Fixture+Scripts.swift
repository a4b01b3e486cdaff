import LyrebirdPluginAPI

extension Fixture {
    /// This fixture with its scripts (a Lua responder, Lua predicates) running on `runtime`.
    func running(on runtime: ScriptRuntime) -> Fixture {
        var fixture = self
        fixture.match = match.running(on: runtime)
        fixture.reply = reply.running(on: runtime)
        if let sequence {
            fixture.sequence?.steps = sequence.steps.map { step in
                var running = step
                running.reply = step.reply.running(on: runtime)
                return running
            }
        }
        return fixture
    }
}

extension FixtureReply {
    /// This reply with its Lua responder running on `runtime`.
    func running(on runtime: ScriptRuntime) -> FixtureReply {
        guard case .custom(let responder as any ScriptResponder, let parameters) = self else { return self }
        return .custom(responder.running(on: runtime), parameters: parameters)
    }
}

extension MatchCondition {
    /// This condition with its Lua predicates running with `runtime`'s settings.
    func running(on runtime: ScriptRuntime) -> MatchCondition {
        switch self {
        case .text, .number, .exists, .conversation: return self
        case .all(let conditions): return .all(conditions.map { $0.running(on: runtime) })
        case .any(let conditions): return .any(conditions.map { $0.running(on: runtime) })
        case .not(let condition): return .not(condition.running(on: runtime))
        case .lua(let predicate): return .lua(predicate.running(on: runtime))
        }
    }
}
