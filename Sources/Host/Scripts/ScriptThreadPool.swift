import Foundation

/// A fixed set of long-lived threads that run scripts (Lua calls, plugin responders), so that a
/// script never occupies an event loop or a thread of Swift's cooperative pool: however busy
/// the scripts, the server keeps accepting, routing and answering everything else.
///
/// Work waits in one queue for a free thread, at most `queueTimeout`; then the caller gets
/// `ScriptPoolError.busy`. When the awaiting task is cancelled, queued work is dropped and
/// running work is told through its `ScriptCancellation`; the caller still waits for running
/// work to return, which it does at its next check.
final class ScriptThreadPool: Sendable {
    /// How many threads run scripts.
    let threadCount: Int
    /// How long work may wait for a free thread.
    let queueTimeout: Duration
    private let queue = ScriptJobQueue()

    /// Starts `threads` threads (at least one).
    init(threads: Int, queueTimeout: Duration) {
        threadCount = max(1, threads)
        self.queueTimeout = queueTimeout
        for number in 1...threadCount {
            let thread = Thread { [queue] in
                while let job = queue.take() { job.run(job.cancellation) }
            }
            // Lua and the JSON conversions recurse up to a few hundred levels.
            thread.stackSize = 8 << 20
            thread.start()
            // For `top -H` and debuggers. Foundation names only a started thread, and Linux
            // keeps 15 bytes of a name.
            thread.name = "scripts-\(number)"
        }
    }

    deinit {
        shutDown()
    }

    /// Runs `work` on a script thread and returns its result.
    ///
    /// - Throws: `ScriptPoolError.busy` when no thread took the work within `queueTimeout`,
    ///   `.cancelled` when the task was cancelled before one did, `.stopped` after `shutDown()`.
    func run<Value: Sendable>(_ work: @escaping @Sendable (ScriptCancellation) -> Value) async throws(ScriptPoolError) -> Value {
        // A job runs or fails, never both: the slot keeps the one outcome it is given.
        let slot = OneShot<Result<Value, ScriptPoolError>>()
        let job = ScriptJob(run: { cancellation in slot.fill(.success(work(cancellation))) }, fail: { slot.fill(.failure($0)) })
        let outcome = await withTaskCancellationHandler {
            guard !Task.isCancelled else { return Result<Value, ScriptPoolError>.failure(.cancelled) }
            switch queue.enqueue(job) {
            case .refused: return .failure(.stopped)
            // No timer when a thread is free: most calls, and a timer costs as much as a small call.
            case .starting: return await slot.value
            case .waiting: break
            }
            return await withTaskGroup(of: Void.self) { group in
                group.addTask { [queue, queueTimeout, threadCount] in
                    // A cancelled sleep means the job finished or the task was cancelled.
                    guard (try? await Task.sleep(for: queueTimeout)) != nil else { return }
                    if queue.withdraw(job) { job.fail(.busy(threads: threadCount, waitedMilliseconds: queueTimeout.milliseconds)) }
                }
                let outcome = await slot.value
                group.cancelAll()
                return outcome
            }
        } onCancel: { [queue] in
            if queue.withdraw(job) {
                job.fail(.cancelled)
            } else {
                job.cancellation.cancel()
            }
        }
        return try outcome.get()
    }

    /// How much work waits for a free thread now.
    var waiting: Int { queue.waiting }

    /// Stops taking work: queued work fails with `.stopped`, and each thread ends once its
    /// current work returns.
    func shutDown() {
        for job in queue.stop() { job.fail(.stopped) }
    }
}

extension Duration {
    /// The duration in whole milliseconds.
    fileprivate var milliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
