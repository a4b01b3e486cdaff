import Logging
import NIOCore
import Synchronization

/// Keeps a running host's open connections at or under a limit, as nginx does: a connection
/// beyond the limit first makes room by closing the connection that has waited idle the longest
/// for a request (a new one that has sent nothing, or a kept-alive one between requests);
/// when every open connection has a request under way, the new one is accepted and closed at once.
///
/// Either way clients learn promptly. Stopping `accept` instead (Hummingbird's
/// `MaximumAvailableConnections`) would leave them waiting in the listen queue for as long as the
/// host is full, and idle connections would lock everyone else out. What the limit closed is
/// logged at most once a minute, with the counts since the last report.
final class ConnectionLimiter: Sendable {
    private struct State {
        var open: [ObjectIdentifier: ConnectionSlot] = [:]
        var reclaimed = 0
        var refused = 0
        var lastReport: ContinuousClock.Instant?
    }

    /// What `admit` did, and what the caller's log should say.
    private enum Admission {
        case admitted(reclaimed: ConnectionSlot?)
        case refused
    }

    /// The most connections open at once.
    let maximum: Int
    private let logger: Logger
    private let state = Mutex(State())

    init(maximum: Int, logger: Logger) {
        self.maximum = maximum
        self.logger = logger
    }

    /// Counts `channel` in until it closes, making room if the host is full. Returns `nil` when
    /// there is no room: the caller closes the channel.
    func admit(_ channel: any Channel) -> ConnectionSlot? {
        let slot = ConnectionSlot(channel: channel)
        let now = ContinuousClock.now
        let (admission, report) = state.withLock { state -> (Admission, String?) in
            var admission = Admission.refused
            if state.open.count < maximum {
                admission = .admitted(reclaimed: nil)
            } else if let idle = Self.claimLongestIdle(in: &state.open) {
                state.reclaimed += 1
                admission = .admitted(reclaimed: idle)
            } else {
                state.refused += 1
            }
            if case .admitted = admission { state.open[ObjectIdentifier(slot)] = slot }
            guard state.reclaimed + state.refused > 0 else { return (admission, nil) }
            if let last = state.lastReport, now - last < .seconds(60) { return (admission, nil) }
            let report = Self.report(state, maximum: maximum)
            state.lastReport = now
            state.reclaimed = 0
            state.refused = 0
            return (admission, report)
        }
        if let report { logger.warning("\(report)") }
        switch admission {
        case .refused:
            return nil
        case .admitted(let reclaimed):
            reclaimed?.channel.close(promise: nil)
            channel.closeFuture.whenComplete { _ in
                _ = self.state.withLock { $0.open.removeValue(forKey: ObjectIdentifier(slot)) }
            }
            return slot
        }
    }

    /// Takes the connection idle the longest out of `open`, if one is idle. A connection whose
    /// request begins meanwhile keeps its place; the next one idle the longest is tried.
    private static func claimLongestIdle(in open: inout [ObjectIdentifier: ConnectionSlot]) -> ConnectionSlot? {
        while true {
            var oldest: (key: ObjectIdentifier, slot: ConnectionSlot, since: UInt64)?
            for (key, slot) in open {
                guard let since = slot.idleSince, since < oldest?.since ?? .max else { continue }
                oldest = (key, slot, since)
            }
            guard let oldest else { return nil }
            if oldest.slot.claim(idleSince: oldest.since) {
                open.removeValue(forKey: oldest.key)
                return oldest.slot
            }
        }
    }

    private static func report(_ state: State, maximum: Int) -> String {
        var closed: [String] = []
        if state.reclaimed > 0 {
            closed.append("closed \(state.reclaimed) idle connection\(state.reclaimed == 1 ? "" : "s") to make room")
        }
        if state.refused > 0 {
            closed.append("refused \(state.refused) new connection\(state.refused == 1 ? "" : "s") (none was idle)")
        }
        let since = state.lastReport == nil ? "" : " since the last report"
        return
            "connection limit reached (max_connections \(maximum)): \(closed.joined(separator: " and "))\(since); reported at most once a minute"
    }
}
