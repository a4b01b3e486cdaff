import LyrebirdPluginAPI
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
    /// The API key the request carried, if any: analytics and verdicts count by it.
    public var apiKey: String?
    /// For a 429, how long the client was told to wait, in milliseconds.
    public var retryAfterMilliseconds: Int?
    /// The request's body as text, its first `longestBody` bytes; `nil` when it had none.
    public var requestBody: String?
    /// The reply as the client received it: a whole reply's body, or a stream's text, its first
    /// `longestBody` bytes.
    public var reply: String?
    /// The tokens the reply counted, as its usage told the client; `nil` for a reply without
    /// usage (an error, or a stream that ended before it).
    public var usage: Usage?
    /// The W3C trace context the client sent (`traceparent`), which the request's span continues.
    public var traceParent: String?
    /// What the fault stage decided, each decision in words: the fault applied and where it
    /// came from, with its draw against its rate, and the faults that passed.
    public var faults: [String] = []
    /// A streamed reply's writes as the client received them, each with its time: the first
    /// `mostWrites` writes, `longestWrites` bytes of them together.
    public var replyWrites: [ReplyWrite] = []
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

/// What happened to each request: every entry goes to the host's store, where the admin API
/// reads, filters and pages them (and every host of a fleet sees them), and the most recent
/// stay in memory as well, for `all`.
public final class Journal: Sendable {
    /// A ring of entries: recording one never moves the others.
    private struct Ring {
        var entries: [JournalEntry] = []
        /// Where the next entry goes once the ring is full.
        var oldest = 0
        /// Entries recorded since the host started.
        var total = 0
    }

    private let ring = Mutex(Ring())
    /// How many entries are kept in memory.
    public let capacity: Int
    private let store: StoreWriter
    /// Counts every entry for `GET /metrics`; `nil` with `settings.metrics: false`.
    private let metrics: HostMetrics?
    /// Sends every entry's span; `nil` unless `settings.traces` names a collector.
    private let spans: (any SpanRecorder)?

    /// Creates an empty journal keeping the last `capacity` entries in memory (at least 1),
    /// with a store of its own in memory.
    public convenience init(capacity: Int = 1000) {
        self.init(capacity: capacity, store: HostStore.inMemory(contextLimit: HostConfiguration().maxContexts).writer)
    }

    /// A host's journal, writing to its store.
    init(capacity: Int = 1000, store: StoreWriter, metrics: HostMetrics? = nil, spans: (any SpanRecorder)? = nil) {
        self.metrics = metrics
        self.spans = spans
        self.capacity = max(1, capacity)
        self.store = store
    }

    /// Adds an entry, its texts bounded (see `JournalEntry.longestText`), dropping the oldest
    /// when full. Thread-safe.
    public func record(_ entry: JournalEntry) {
        let entry = entry.bounded()
        store.record(entry)
        metrics?.observe(entry)
        spans?.record(RequestSpan(entry))
        ring.withLock { ring in
            ring.total += 1
            if ring.entries.count < capacity {
                ring.entries.append(entry)
            } else {
                ring.entries[ring.oldest] = entry
                ring.oldest = (ring.oldest + 1) % capacity
            }
        }
    }

    /// The entries `query` selects from the store, oldest first, with how many it selects in
    /// all. Everything recorded before the call is written first.
    public func entries(_ query: JournalQuery = JournalQuery()) async throws -> JournalPage {
        await store.flush()
        return try await store.engine.journal(query)
    }

    /// Removes every entry, from the store and from memory.
    public func clear() async throws {
        await store.flush()
        try await store.engine.clearJournal()
        ring.withLock { $0 = Ring() }
    }

    /// The most recent entries this host recorded, oldest first, from memory.
    public var all: [JournalEntry] {
        ring.withLock { ring in
            Array(ring.entries[ring.oldest...] + ring.entries[..<ring.oldest])
        }
    }

    /// How many entries this host recorded since it started, and the newest of those recorded
    /// after the first `seen` (at most `limit`, oldest first): what a live view needs to catch up.
    func recent(since seen: Int, limit: Int) -> (total: Int, entries: [JournalEntry]) {
        ring.withLock { ring in
            let wanted = min(max(0, ring.total - seen), limit, ring.entries.count)
            guard wanted > 0 else { return (ring.total, []) }
            let ordered = ring.entries.count < capacity ? ring.entries[...] : ring.entries[ring.oldest...] + ring.entries[..<ring.oldest]
            return (ring.total, Array(ordered.suffix(wanted)))
        }
    }

    /// Forgets the entries kept in memory; the store keeps its own (see `clear()`).
    public func removeAll() {
        ring.withLock { $0 = Ring() }
    }
}
