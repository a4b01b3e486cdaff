import Synchronization

/// A value delivered once, from any thread, to one task that awaits it: a script job's outcome,
/// the port a starting server bound. The first value given is the one kept.
final class OneShot<Value: Sendable>: Sendable {
    private enum State {
        case empty
        case waiting(CheckedContinuation<Value, Never>)
        case filled(Value)
    }

    private let state = Mutex(State.empty)

    init() {}

    /// Delivers `value`; returns `false`, changing nothing, when a value was delivered before.
    @discardableResult
    func fill(_ value: Value) -> Bool {
        let (filled, waiter) = state.withLock { state -> (Bool, CheckedContinuation<Value, Never>?) in
            switch state {
            case .empty:
                state = .filled(value)
                return (true, nil)
            case .waiting(let continuation):
                state = .filled(value)
                return (true, continuation)
            case .filled:
                return (false, nil)
            }
        }
        waiter?.resume(returning: value)
        return filled
    }

    /// The value, once it is delivered. Only one task may wait.
    var value: Value {
        get async {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> Value? in
                    if case .filled(let value) = state { return value }
                    state = .waiting(continuation)
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        }
    }
}
