import Synchronization

/// The requests of one connection, by lane: on each lane the first is running and the rest
/// wait their turn. Also what the idle timeout needs, when the connection last did anything,
/// and what the connection limiter needs: whether any request is running (told to the
/// connection's slot under the same lock, so that the slot never says idle while one runs).
final class WebSocketLanes: Sendable {
    /// What `enqueue` did with a request.
    enum Admission {
        /// The lane was idle: the caller starts running it.
        case startLane
        /// The request waits behind the lane's running one.
        case queued
        /// The connection holds as many requests as it may.
        case full
        /// The connection limiter is closing the connection to make room: the request is dropped.
        case reclaimed
    }

    private struct State {
        var lanes: [String: [FrameRequest]] = [:]
        var count = 0
        var lastActivity = ContinuousClock.now
    }

    private let maxQueued: Int
    private let slot: ConnectionSlot?
    private let state = Mutex(State())

    init(maxQueued: Int, slot: ConnectionSlot?) {
        self.maxQueued = maxQueued
        self.slot = slot
    }

    func enqueue(_ request: FrameRequest) -> Admission {
        state.withLock { state in
            state.lastActivity = .now
            guard state.count < maxQueued else { return .full }
            if state.count == 0, let slot, !slot.becomeBusy() { return .reclaimed }
            state.count += 1
            let idle = state.lanes[request.lane, default: []].isEmpty
            state.lanes[request.lane, default: []].append(request)
            return idle ? .startLane : .queued
        }
    }

    /// The request running on `lane`.
    func current(_ lane: String) -> FrameRequest? {
        state.withLock { $0.lanes[lane]?.first }
    }

    /// Ends the running request of `lane` and returns the one that runs next, if any. Both in
    /// one step: a request that arrives as the lane empties starts a new task for the lane,
    /// rather than being taken by this one too.
    func finishCurrent(_ lane: String) -> FrameRequest? {
        state.withLock { state in
            state.lastActivity = .now
            state.count -= 1
            state.lanes[lane]?.removeFirst()
            guard let next = state.lanes[lane]?.first else {
                state.lanes[lane] = nil
                if state.count == 0 { slot?.becomeIdleWebSocket() }
                return nil
            }
            return next
        }
    }

    /// Notes a message that carried no request.
    func touch() {
        state.withLock { $0.lastActivity = .now }
    }

    /// When the connection becomes idle for `timeout`, or `nil` while requests are running or
    /// waiting.
    func idleDeadline(after timeout: Duration) -> ContinuousClock.Instant? {
        state.withLock { state in state.count == 0 ? state.lastActivity + timeout : nil }
    }
}
