import Dispatch
import Synchronization

/// Runs async work from libFuzzer's synchronous callback and waits for it.
///
/// - Parameter timeoutSeconds: How long to wait; `nil` waits for ever. When the time passes the
///   work goes on in the background and the result is `nil`: a fuzzed Lua script may pause a
///   reply for a minute, which is what it asked for and no hang of the host.
public func blocking<Value: Sendable>(timeoutSeconds: Double? = nil, _ work: @escaping @Sendable () async -> Value) -> Value? {
    let slot = Slot<Value>()
    Task {
        slot.fill(await work())
    }
    if let timeoutSeconds {
        guard slot.done.wait(timeout: .now() + timeoutSeconds) == .success else { return nil }
    } else {
        slot.done.wait()
    }
    return slot.value
}

/// Where the background task leaves its result.
private final class Slot<Value: Sendable>: Sendable {
    let done = DispatchSemaphore(value: 0)
    private let stored = Mutex<Value?>(nil)

    var value: Value? { stored.withLock { $0 } }

    func fill(_ value: Value) {
        stored.withLock { $0 = value }
        done.signal()
    }
}
