import Synchronization

/// Tells work running on a script thread that the task awaiting it was cancelled (its client
/// went away).
///
/// While it runs, the work registers what to do then (interrupt a Lua state, make a plugin's
/// next emit its last); the pool calls `cancel()` from the cancelled task.
final class ScriptCancellation: Sendable {
    private struct State {
        var cancelled = false
        var handler: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())

    var isCancelled: Bool { state.withLock { $0.cancelled } }

    /// Raises the flag and runs the registered handler, if any.
    func cancel() {
        state.withLock { state in
            guard !state.cancelled else { return }
            state.cancelled = true
            state.handler?()
        }
    }

    /// Runs `body`; `handler` runs if the work is cancelled meanwhile, at once if it already is.
    /// The handler never runs after `body` returned, so it may touch what `body` uses.
    func whileRunning<Result, Failure: Error>(
        onCancel handler: @escaping @Sendable () -> Void, _ body: () throws(Failure) -> Result
    ) throws(Failure) -> Result {
        state.withLock { state in
            if state.cancelled {
                handler()
            } else {
                state.handler = handler
            }
        }
        defer { state.withLock { $0.handler = nil } }
        return try body()
    }
}
