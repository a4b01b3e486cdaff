import Dispatch
import Synchronization

/// Runs async work for code that must answer synchronously on a thread that may block: a Lua
/// library function on one of the host's script threads waiting for the store.
enum ThreadBlockingWait {
    /// Starts `operation` as a task and blocks the calling thread until it ends.
    ///
    /// Never call it from an event loop or from a task: the thread it blocks might be the one
    /// the operation needs.
    static func run<Value: Sendable>(_ operation: @escaping @Sendable () async throws -> Value) throws -> Value {
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<Result<Value, any Error>?>(nil)
        Task {
            let result: Result<Value, any Error>
            do { result = .success(try await operation()) } catch { result = .failure(error) }
            outcome.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        return try outcome.withLock { $0! }.get()
    }
}
