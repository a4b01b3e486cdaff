import NIOCore
import Synchronization

/// One open connection as the `ConnectionLimiter` sees it: whether it waits for a request, and
/// since when, so that a full host can close the connection idle the longest to admit a new one.
///
/// The connection's guard marks it idle and busy on its event loop; the limiter claims it from
/// any thread. One atomic word decides between them, so a connection is never closed under a
/// request that has begun: either the guard marks it busy first, or the limiter claims it first
/// and the guard drops the request's bytes.
final class ConnectionSlot: Sendable {
    /// 0 while a request is under way, `claimed` once the limiter closes it, otherwise the
    /// uptime in nanoseconds at which it began waiting for a request.
    private let state: Atomic<UInt64>
    private static let busy: UInt64 = 0
    private static let claimed = UInt64.max

    let channel: any Channel

    /// A connection that has just been accepted: it waits for its first request.
    init(channel: any Channel) {
        self.channel = channel
        self.state = Atomic(Self.now)
    }

    /// The connection waits for its next request (unless the limiter has claimed it).
    func becomeIdle() {
        _ = state.compareExchange(expected: Self.busy, desired: Self.now, ordering: .relaxed)
    }

    /// A request begins. Returns `false` when the limiter has claimed the connection: it is being
    /// closed, and the request must not start.
    func becomeBusy() -> Bool {
        var current = state.load(ordering: .relaxed)
        while current != Self.claimed {
            let (exchanged, original) = state.compareExchange(expected: current, desired: Self.busy, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
        return false
    }

    /// Since when the connection has waited for a request, or `nil` while it is busy or claimed.
    var idleSince: UInt64? {
        let current = state.load(ordering: .relaxed)
        return current == Self.busy || current == Self.claimed ? nil : current
    }

    /// Takes the connection for closing if it still waits idle since `since`.
    func claim(idleSince since: UInt64) -> Bool {
        state.compareExchange(expected: since, desired: Self.claimed, ordering: .relaxed).exchanged
    }

    private static var now: UInt64 {
        // Uptime is never 0 (busy) nor the largest value (claimed).
        NIODeadline.now().uptimeNanoseconds
    }
}
