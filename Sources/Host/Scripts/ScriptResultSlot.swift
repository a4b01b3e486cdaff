import Synchronization

/// Where a script thread leaves the outcome of one job, and where the awaiting task picks it up.
/// Filled exactly once.
final class ScriptResultSlot<Value: Sendable>: Sendable {
    private enum State {
        case empty
        case waiting(CheckedContinuation<Result<Value, ScriptPoolError>, Never>)
        case filled(Result<Value, ScriptPoolError>)
    }

    private let state = Mutex(State.empty)

    func fill(_ outcome: Result<Value, ScriptPoolError>) {
        let waiter = state.withLock { state -> CheckedContinuation<Result<Value, ScriptPoolError>, Never>? in
            switch state {
            case .empty:
                state = .filled(outcome)
                return nil
            case .waiting(let continuation):
                state = .filled(outcome)
                return continuation
            case .filled:
                preconditionFailure("a script job's outcome was delivered twice")
            }
        }
        waiter?.resume(returning: outcome)
    }

    var outcome: Result<Value, ScriptPoolError> {
        get async {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> Result<Value, ScriptPoolError>? in
                    if case .filled(let outcome) = state { return outcome }
                    state = .waiting(continuation)
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        }
    }
}
