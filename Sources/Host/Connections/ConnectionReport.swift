import Logging
import Synchronization

/// Counts the connections the host closed on its own (timeouts, the connection limits) and
/// reports them in one log line at most once a minute, with the counts since the last line.
///
/// A client that is refused or times out is ordinary traffic for a server under load, and
/// a hostile one can cause thousands a second: a line each would flood the log. Each one is
/// logged at debug level.
final class ConnectionReport: Sendable {
    /// Why the host closed a connection.
    enum Event: Hashable {
        /// The request head did not arrive within `header_timeout_seconds`.
        case headerTimeout
        /// The request body did not arrive within `body_timeout_seconds`.
        case bodyTimeout
        /// Closed to make room for a new connection, under `max_connections_per_address` or
        /// `max_connections`.
        case reclaimed(ConnectionSlot.Activity, perAddress: Bool)
        /// A new connection closed at once: the host was full and every connection was serving.
        case refused
        /// A new connection closed at once: its address was at `max_connections_per_address`
        /// and each of its connections was serving.
        case refusedForAddress

        /// The event `count` times, in words.
        func description(count: Int) -> String {
            func noun(_ singular: String) -> String { "\(count) \(singular)\(count == 1 ? "" : "s")" }
            switch self {
            case .headerTimeout: return "\(noun("head timeout")) (408)"
            case .bodyTimeout: return "\(noun("body timeout")) (408)"
            case .reclaimed(let activity, let perAddress):
                let limit = perAddress ? "max_connections_per_address" : "max_connections"
                switch activity {
                case .idle: return "\(noun("idle connection")) closed to make room (\(limit) reached)"
                case .partialHead: return "\(noun("connection")) stalled in a request head closed to make room (\(limit) reached)"
                case .idleWebSocket: return "\(noun("idle WebSocket")) closed to make room (\(limit) reached)"
                }
            case .refused: return "\(noun("new connection")) refused (max_connections reached, none could be closed)"
            case .refusedForAddress:
                return "\(noun("new connection")) refused (max_connections_per_address reached, none could be closed)"
            }
        }

        /// Whether the event means the host ran out of room.
        var isCapacity: Bool {
            switch self {
            case .headerTimeout, .bodyTimeout: return false
            case .reclaimed, .refused, .refusedForAddress: return true
            }
        }
    }

    private struct State {
        var counts: [Event: Int] = [:]
        var lastReport: ContinuousClock.Instant?
    }

    /// The shortest time between two report lines.
    static let interval = Duration.seconds(60)
    private let logger: Logger
    private let state = Mutex(State())

    init(logger: Logger) {
        self.logger = logger
    }

    /// Counts `event`, and writes the report line when the last one is a minute old.
    func record(_ event: Event) {
        logger.debug("connection closed: \(event.description(count: 1))")
        let now = ContinuousClock.now
        let line = state.withLock { state -> (text: String, capacity: Bool)? in
            state.counts[event, default: 0] += 1
            if let last = state.lastReport, now - last < Self.interval { return nil }
            let since = state.lastReport == nil ? "" : " since the last report"
            let parts = state.counts.sorted { $0.value > $1.value }.map { $0.key.description(count: $0.value) }
            let capacity = state.counts.keys.contains(where: \.isCapacity)
            state.counts = [:]
            state.lastReport = now
            return ("connections closed by the host\(since): \(parts.joined(separator: ", ")); reported at most once a minute", capacity)
        }
        guard let line else { return }
        if line.capacity {
            logger.warning("\(line.text)")
        } else {
            logger.info("\(line.text)")
        }
    }
}
