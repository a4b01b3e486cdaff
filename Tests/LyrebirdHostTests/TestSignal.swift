import Synchronization

/// A flag a script thread raises and a test task waits for without blocking its thread.
final class TestSignal: Sendable {
    private let raised = Mutex(false)

    func raise() { raised.withLock { $0 = true } }

    func wait() async throws {
        while !raised.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
    }
}
