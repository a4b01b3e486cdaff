import NIOCore
import Synchronization

/// Keeps a running host's open connections at or under two limits: all of them
/// (`max_connections`), and those of one client address (`max_connections_per_address`).
///
/// A connection beyond a limit first makes room by closing a connection that serves nobody, in
/// this order: one waiting idle for a request (new, or kept alive between requests), the longest
/// idle first; one that has sent part of a request head for longer than
/// `partialHeadGrace`, the one that began the earliest first; a WebSocket with no request
/// running, the longest idle first. Under the per-address limit only the address's own
/// connections are closed. When every connection is serving a request, the new one is accepted
/// and closed at once.
///
/// Either way clients learn promptly. Stopping `accept` instead (Hummingbird's
/// `MaximumAvailableConnections`) would leave them waiting in the listen queue for as long as the
/// host is full, and idle connections would lock everyone else out. What the limits closed is
/// counted in the host's `ConnectionReport`.
final class ConnectionLimiter: Sendable {
    private enum Admission {
        case admitted(reclaimed: (slot: ConnectionSlot, activity: ConnectionSlot.Activity)?, perAddress: Bool)
        case refused(perAddress: Bool)
    }

    private struct State {
        var open: [ObjectIdentifier: ConnectionSlot] = [:]
        var perAddress: [String: Int] = [:]
    }

    /// The most connections open at once.
    let maximum: Int
    /// The most connections open at once from one client address.
    let maximumPerAddress: Int
    /// How long a request head may be under way before a full host may close its connection:
    /// long enough for any client that is sending, short enough that a slow one cannot hold a slot.
    static let partialHeadGrace = TimeAmount.seconds(2)
    private let report: ConnectionReport
    private let state = Mutex(State())

    init(maximum: Int, maximumPerAddress: Int, report: ConnectionReport) {
        self.maximum = maximum
        self.maximumPerAddress = maximumPerAddress
        self.report = report
    }

    /// Counts `channel` in until it closes, making room if a limit is reached. Returns `nil`
    /// when there is no room: the caller closes the channel.
    func admit(_ channel: any Channel) -> ConnectionSlot? {
        let slot = ConnectionSlot(channel: channel)
        let now = ConnectionSlot.now
        let outcome = state.withLock { state -> Admission in
            var reclaimed: (slot: ConnectionSlot, activity: ConnectionSlot.Activity)?
            var perAddress = false
            if let address = slot.address, state.perAddress[address, default: 0] >= maximumPerAddress {
                guard let mine = Self.claimUnserved(in: state.open, address: address, now: now) else { return .refused(perAddress: true) }
                reclaimed = mine
                perAddress = true
            } else if state.open.count >= maximum {
                guard let any = Self.claimUnserved(in: state.open, address: nil, now: now) else { return .refused(perAddress: false) }
                reclaimed = any
            }
            if let reclaimed { Self.remove(reclaimed.slot, from: &state) }
            state.open[ObjectIdentifier(channel)] = slot
            if let address = slot.address { state.perAddress[address, default: 0] += 1 }
            return .admitted(reclaimed: reclaimed, perAddress: perAddress)
        }
        switch outcome {
        case .refused(let perAddress):
            report.record(perAddress ? .refusedForAddress : .refused)
            return nil
        case .admitted(let reclaimed, let perAddress):
            if let reclaimed {
                report.record(.reclaimed(reclaimed.activity, perAddress: perAddress))
                reclaimed.slot.close()
            }
        }
        channel.closeFuture.whenComplete { _ in
            self.state.withLock { state in Self.remove(slot, from: &state) }
        }
        return slot
    }

    /// The slot of `channel`, while it is open.
    func slot(for channel: any Channel) -> ConnectionSlot? {
        state.withLock { $0.open[ObjectIdentifier(channel)] }
    }

    private static func remove(_ slot: ConnectionSlot, from state: inout State) {
        guard state.open.removeValue(forKey: ObjectIdentifier(slot.channel)) != nil, let address = slot.address else { return }
        let left = state.perAddress[address, default: 1] - 1
        state.perAddress[address] = left > 0 ? left : nil
    }

    /// Claims the connection that serves nobody and should go first (of `address`, when given),
    /// if there is one. A connection whose request begins meanwhile keeps its place; the next
    /// one is tried.
    private static func claimUnserved(
        in open: [ObjectIdentifier: ConnectionSlot], address: String?, now: UInt64
    ) -> (slot: ConnectionSlot, activity: ConnectionSlot.Activity)? {
        let grace = UInt64(partialHeadGrace.nanoseconds)
        while true {
            var best: (slot: ConnectionSlot, activity: ConnectionSlot.Activity, since: UInt64, word: UInt64)?
            for slot in open.values {
                if let address, slot.address != address { continue }
                guard let found = slot.activity else { continue }
                if found.activity == .partialHead && (found.since > now || now - found.since < grace) { continue }
                if let best, (best.activity, best.since) <= (found.activity, found.since) { continue }
                best = (slot, found.activity, found.since, found.word)
            }
            guard let best else { return nil }
            if best.slot.claim(ifStill: best.word) { return (best.slot, best.activity) }
        }
    }
}
