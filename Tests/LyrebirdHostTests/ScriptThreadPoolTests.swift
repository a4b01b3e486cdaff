import Dispatch
import Foundation
import Synchronization
import Testing

@testable import LyrebirdHost

@Suite struct ScriptThreadPoolTests {
    /// Counts how many pieces of work run at once, and the most that ever did.
    private final class Occupancy: Sendable {
        private let counts = Mutex((now: 0, most: 0))

        func enter() { counts.withLock { $0 = ($0.now + 1, max($0.most, $0.now + 1)) } }
        func leave() { counts.withLock { $0.now -= 1 } }
        var most: Int { counts.withLock { $0.most } }
    }

    @Test(.timeLimit(.minutes(1))) func runsOnItsOwnThreadsAndNeverMoreAtOnceThanItHas() async throws {
        let pool = ScriptThreadPool(threads: 2, queueTimeout: .seconds(30))
        let occupancy = Occupancy()
        let names = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<6 {
                group.addTask {
                    try await pool.run { _ in
                        occupancy.enter()
                        defer { occupancy.leave() }
                        Thread.sleep(forTimeInterval: 0.05)
                        return Thread.current.name ?? ""
                    }
                }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(occupancy.most == 2)
        #expect(names == ["scripts-1", "scripts-2"])
    }

    @Test(.timeLimit(.minutes(1))) func workThatCannotStartInTimeIsRefusedAsBusy() async throws {
        let pool = ScriptThreadPool(threads: 1, queueTimeout: .milliseconds(100))
        let started = TestSignal()
        let release = DispatchSemaphore(value: 0)
        let blocker = Task {
            try await pool.run { _ in
                started.raise()
                release.wait()
            }
        }
        try await started.wait()
        await #expect(throws: ScriptPoolError.busy(threads: 1, waitedMilliseconds: 100)) {
            try await pool.run { _ in "too late" }
        }
        release.signal()
        try await blocker.value
        #expect(try await pool.run { _ in "free again" } == "free again")
    }

    @Test(.timeLimit(.minutes(1))) func cancellingTheCallerStopsRunningWorkAndDropsQueuedWork() async throws {
        let pool = ScriptThreadPool(threads: 1, queueTimeout: .seconds(30))
        let started = TestSignal()
        let running = Task {
            try await pool.run { cancellation in
                started.raise()
                while !cancellation.isCancelled { Thread.sleep(forTimeInterval: 0.001) }
                return "noticed"
            }
        }
        try await started.wait()
        let queued = Task { try await pool.run { _ in "ran" } }
        queued.cancel()
        await #expect(throws: ScriptPoolError.cancelled) { try await queued.value }
        running.cancel()
        #expect(try await running.value == "noticed")
    }

    @Test func aCancellationHandlerRunsAtOnceWhenAlreadyCancelledAndNeverAfterTheWork() {
        let cancellation = ScriptCancellation()
        let calls = Mutex(0)
        cancellation.whileRunning(onCancel: { calls.withLock { $0 += 1 } }) {}
        cancellation.cancel()
        #expect(calls.withLock { $0 } == 0)
        cancellation.whileRunning(onCancel: { calls.withLock { $0 += 1 } }) {}
        #expect(calls.withLock { $0 } == 1)
    }

    @Test(.timeLimit(.minutes(1))) func shuttingDownRefusesQueuedAndNewWork() async throws {
        let pool = ScriptThreadPool(threads: 1, queueTimeout: .seconds(30))
        let started = TestSignal()
        let release = DispatchSemaphore(value: 0)
        let blocker = Task {
            try await pool.run { _ in
                started.raise()
                release.wait()
            }
        }
        try await started.wait()
        let queued = Task { try await pool.run { _ in "ran" } }
        pool.shutDown()
        await #expect(throws: ScriptPoolError.stopped) { try await queued.value }
        await #expect(throws: ScriptPoolError.stopped) { try await pool.run { _ in "after" } }
        release.signal()
        try await blocker.value
    }
}
