import Foundation
import NIOCore

/// The jobs waiting for a script thread, in arrival order. Threads block in `take()` until a
/// job arrives or the queue stops.
final class ScriptJobQueue: @unchecked Sendable {
    // @unchecked: `jobs` and `stopped` are only touched with `condition` locked.
    private let condition = NSCondition()
    private var jobs = CircularBuffer<ScriptJob>()
    private var stopped = false
    /// Threads blocked in `take()`, each about to take one of `jobs`.
    private var idleThreads = 0

    /// What became of a job handed to `enqueue(_:)`.
    enum Admission {
        /// An idle thread takes it at once.
        case starting
        /// It waits behind others for a thread.
        case waiting
        /// The queue has stopped.
        case refused
    }

    /// Jobs waiting for a thread, beyond those an idle thread is about to take.
    var waiting: Int {
        condition.lock()
        defer { condition.unlock() }
        return max(0, jobs.count - idleThreads)
    }

    /// Adds a job.
    func enqueue(_ job: ScriptJob) -> Admission {
        condition.lock()
        defer { condition.unlock() }
        guard !stopped else { return .refused }
        let waits = jobs.count >= idleThreads
        jobs.append(job)
        condition.signal()
        return waits ? .waiting : .starting
    }

    /// The next job, waiting for one; `nil` once the queue has stopped.
    func take() -> ScriptJob? {
        condition.lock()
        defer { condition.unlock() }
        while jobs.isEmpty && !stopped {
            idleThreads += 1
            condition.wait()
            idleThreads -= 1
        }
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
