import Foundation
import NIOCore

/// The jobs waiting for a script thread, in arrival order. Threads block in `take()` until a
/// job arrives or the queue stops.
final class ScriptJobQueue: @unchecked Sendable {
    // @unchecked: `jobs` and `stopped` are only touched with `condition` locked.
    private let condition = NSCondition()
    private var jobs = CircularBuffer<ScriptJob>()
    private var stopped = false

    /// Adds a job; `false` when the queue has stopped.
    func enqueue(_ job: ScriptJob) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !stopped else { return false }
        jobs.append(job)
        condition.signal()
        return true
    }

    /// The next job, waiting for one; `nil` once the queue has stopped.
    func take() -> ScriptJob? {
        condition.lock()
        defer { condition.unlock() }
        while jobs.isEmpty && !stopped { condition.wait() }
        return stopped ? nil : jobs.removeFirst()
    }

    /// Removes `job` if no thread has taken it yet; returns whether it did.
    func withdraw(_ job: ScriptJob) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard let index = jobs.firstIndex(where: { $0 === job }) else { return false }
        jobs.remove(at: index)
        return true
    }

    /// Stops the queue, wakes every waiting thread, and returns the jobs no thread took.
    func stop() -> [ScriptJob] {
        condition.lock()
        defer { condition.unlock() }
        stopped = true
        let left = Array(jobs)
        jobs.removeAll()
        condition.broadcast()
        return left
    }
}
