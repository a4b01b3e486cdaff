import Dispatch
import Synchronization

/// Runs async plugin code on the thread that calls into the plugin.
///
/// The host calls a provider's `answer` and a responder's `respond` on one of its script
/// threads, which may block, and the C header requires the sink to be called from that thread.
/// A plain `Task` would run the plugin's code on Swift's cooperative pool instead: a plugin that
/// blocks there (a synchronous file read, `sleep`, a blocking socket) would hold one of the few
/// threads the whole host serves requests on. This executor is the task's preferred executor
/// (SE-0417), so the task and everything it awaits without an isolation of its own runs here,
/// on the calling thread, which waits for work between the task's steps.
final class CallingThreadExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked: the queue is behind its mutex; `ready` is a semaphore.
    private struct Queue {
        var jobs: [UnownedJob] = []
        var finished = false
    }

    private let queue = Mutex(Queue())
    /// Signalled once for each job enqueued, and once when the work is finished.
    private let ready = DispatchSemaphore(value: 0)

    private init() {}

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.withLock { $0.jobs.append(job) }
        ready.signal()
    }

    /// Runs `work` to its end on the calling thread and returns its result. The thread blocks
    /// while `work` waits for something (a timer, another actor); nothing else runs on it.
    static func run<Result: Sendable>(_ work: @escaping @Sendable () async -> Result) -> Result {
        let executor = CallingThreadExecutor()
        let result = ResultSlot<Result>()
        Task(executorPreference: executor) {
            let value = await work()
            result.value.withLock { $0 = value }
            executor.queue.withLock { $0.finished = true }
            executor.ready.signal()
        }
        while true {
            executor.ready.wait()
            let next = executor.queue.withLock { queue -> UnownedJob? in
                queue.jobs.isEmpty ? nil : queue.jobs.removeFirst()
            }
            if let next {
                next.runSynchronously(on: executor.asUnownedTaskExecutor())
            } else if executor.queue.withLock({ $0.finished && $0.jobs.isEmpty }) {
                break
            }
        }
        // The task set the result before it said it had finished.
        return result.value.withLock { $0! }
    }
}

/// Where the task leaves its result for the thread that runs it.
private final class ResultSlot<Result: Sendable>: Sendable {
    let value = Mutex<Result?>(nil)
}
