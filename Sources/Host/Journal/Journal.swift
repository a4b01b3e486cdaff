import Synchronization

/// What happened to one request.
public struct JournalEntry: Sendable, Hashable {
    /// The id sent back as `x-request-id` (`req_<32 hex>`).
    public var requestID: String
    /// Unix seconds when the request arrived.
    public var time: Double
    /// The HTTP method, or `WEBSOCKET` for a request that came as a WebSocket message.
    public var method: String
    /// The path, without the query.
    public var path: String
    /// The provider whose route the request took, or `nil` when no route matched.
    public var provider: String?
    /// The name of the native plugin that registered that provider, or `nil` for a provider
    /// the host was given in code (the builtins) and for requests no route took.
    public var plugin: String?
    /// The provider's operation (`chat.completions`), or `nil` when the request never decoded.
    public var operation: String?
    /// The model the request named, or `nil` when it never decoded.
    public var model: String?
    /// Where the reply came from: a fixture id, `mock_response`, `default`, or `nil` on a decode failure.
    public var source: String?
    /// The HTTP status of the reply.
    public var status: Int
    /// Whether the reply was streamed.
    public var streamed: Bool
    /// The error message, when the reply was an error.
    public var error: String?
    /// How long the request took, from its arrival until its reply ended.
    public var durationMilliseconds: Double
    /// What was wrong with a reply that was sent anyway: fixed text that does not match the
    /// request's response format, for instance.
    public var warnings: [String] = []
    /// The context id the request counted in (`x-lyrebird-context`, `x-test-id`, the API key or
    /// `global`), or `nil` when it never decoded.
    public var context: String?
    /// When no fixture matched, the closest ones, each with the conditions it failed and the
    /// values it saw.
    public var nearMisses: [String] = []
}

extension JournalEntry {
    /// This entry completed with its outcome and the time since `start`.
    func finished(status: Int, error: String?, startedAt start: ContinuousClock.Instant) -> JournalEntry {
        var entry = self
        entry.status = status
        entry.error = error
        let elapsed = (ContinuousClock.now - start).components
        entry.durationMilliseconds = Double(elapsed.seconds) * 1000 + Double(elapsed.attoseconds) / 1e15
        return entry
    }
}

/// The most recent requests, newest last, bounded in size.
public final class Journal: Sendable {
    /// A ring of entries: recording one never moves the others.
    private struct Ring {
        var entries: [JournalEntry] = []
        /// Where the next entry goes once the ring is full.
        var oldest = 0
    }

    private let ring = Mutex(Ring())
    /// How many entries are kept.
    public let capacity: Int

    /// Creates an empty journal keeping the last `capacity` entries (at least 1).
    public init(capacity: Int = 1000) {
        self.capacity = max(1, capacity)
    }

    /// Adds an entry, its texts bounded (see `JournalEntry.longestText`), dropping the oldest
    /// when full. Thread-safe.
    public func record(_ entry: JournalEntry) {
        let entry = entry.bounded()
        ring.withLock { ring in
            if ring.entries.count < capacity {
                ring.entries.append(entry)
            } else {
                ring.entries[ring.oldest] = entry
                ring.oldest = (ring.oldest + 1) % capacity
            }
        }
    }

    /// The kept entries, oldest first.
    public var all: [JournalEntry] {
        ring.withLock { ring in
            Array(ring.entries[ring.oldest...] + ring.entries[..<ring.oldest])
        }
    }

    /// Forgets every entry.
    public func removeAll() {
        ring.withLock { $0 = Ring() }
    }
}
