import NIOCore
import Synchronization

/// One open connection as the `ConnectionLimiter` sees it: what it is doing, and since when, so
/// that a full host can close the connection that serves nobody to admit a new one.
///
/// The connection's guard (and its WebSocket session) mark what it does; the limiter claims it
/// from any thread. One atomic word decides between them, so a connection is never closed under
/// a request that has begun: either the connection marks itself busy first, or the limiter
/// claims it first and the request does not start.
final class ConnectionSlot: Sendable {
    /// What a connection does when the limiter looks at it.
    enum Activity: UInt64, Comparable {
        /// Waiting for a request: new, or kept alive between requests.
        case idle = 1
        /// Part of a request head has arrived, not all of it.
        case partialHead = 2
        /// A WebSocket with no request running.
        case idleWebSocket = 3

        static func < (lhs: Activity, rhs: Activity) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// The event a slot's channel receives when the limiter closes it to make room; the
    /// connection's guard closes it the way its protocol wants.
    struct Reclaimed: Sendable {}

    /// `busy` while a request is under way, `claimed` once the limiter closes it, otherwise the
    /// activity in the top two bits and, below them, the uptime in nanoseconds since which the
    /// connection has been doing it (uptime needs 62 bits only after 146 years).
    private let state: Atomic<UInt64>
    private static let busy: UInt64 = 0
    private static let claimed = UInt64.max
    private static let activityShift: UInt64 = 62
    private static let timeMask: UInt64 = (1 << 62) - 1

    let channel: any Channel
    /// The client's address, for the per-address limit; `nil` when the channel has none.
    let address: String?

    /// A connection that has just been accepted: it waits for its first request.
    init(channel: any Channel) {
        self.channel = channel
        self.address = channel.remoteAddress?.ipAddress
        self.state = Atomic(Self.word(.idle, since: Self.now))
    }

    /// The requests under way have ended: the connection waits for its next request, or has
    /// part of its head already (unless the limiter has claimed it).
    func becomeIdle(headBegun: Bool = false) {
        let activity = headBegun ? Activity.partialHead : .idle
        _ = state.compareExchange(expected: Self.busy, desired: Self.word(activity, since: Self.now), ordering: .relaxed)
    }

    /// The first bytes of a request head arrived. A head already under way keeps its start, so
    /// that a client sending one byte at a time cannot look new. Returns `false` when the limiter
    /// has claimed the connection: it is being closed, and its bytes must be dropped.
    func beginHead() -> Bool {
        var current = state.load(ordering: .relaxed)
        while current != Self.claimed {
            guard current != Self.busy, Self.activity(of: current) == .idle else { return true }
            let (exchanged, original) = state.compareExchange(
                expected: current, desired: Self.word(.partialHead, since: Self.now), ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
        return false
    }

    /// A request begins. Returns `false` when the limiter has claimed the connection: it is being
    /// closed, and the request must not start.
    func becomeBusy() -> Bool {
        var current = state.load(ordering: .relaxed)
        while current != Self.claimed {
            if current == Self.busy { return true }
            let (exchanged, original) = state.compareExchange(expected: current, desired: Self.busy, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
        return false
    }

    /// The connection is a WebSocket whose requests have all ended.
    func becomeIdleWebSocket() {
        var current = state.load(ordering: .relaxed)
        while current != Self.claimed {
            let (exchanged, original) = state.compareExchange(
                expected: current, desired: Self.word(.idleWebSocket, since: Self.now), ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }

    /// What the connection does and since when (uptime nanoseconds), or `nil` while a request
    /// is under way or once it is claimed.
    var activity: (activity: Activity, since: UInt64, word: UInt64)? {
        let current = state.load(ordering: .relaxed)
        guard current != Self.busy, current != Self.claimed, let activity = Self.activity(of: current) else { return nil }
        return (activity, current & Self.timeMask, current)
    }

    /// Takes the connection for closing if its state is still `word` (from `activity`).
    func claim(ifStill word: UInt64) -> Bool {
        state.compareExchange(expected: word, desired: Self.claimed, ordering: .relaxed).exchanged
    }

    /// Closes the connection the limiter claimed, as its guard sees fit.
    func close() {
        channel.pipeline.fireUserInboundEventTriggered(Reclaimed())
    }

    static var now: UInt64 { NIODeadline.now().uptimeNanoseconds & timeMask }

    private static func word(_ activity: Activity, since: UInt64) -> UInt64 {
        activity.rawValue << activityShift | (since & timeMask)
    }

    private static func activity(of word: UInt64) -> Activity? {
        Activity(rawValue: word >> activityShift)
    }
}
