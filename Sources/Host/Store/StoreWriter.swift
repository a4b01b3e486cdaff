import Logging
import ServiceLifecycle
import Synchronization

/// Writes what the hot path records, journal entries, hit counts and providers' records, to the
/// store in batches,
/// off the request path: recording takes a lock and appends, nothing more. A batch is written
/// every `interval`, and whatever waits when the host stops.
/// Reads that must see everything recorded (`flush()`) write what waits first.
///
/// If the store cannot keep up, at most `maximumPending` entries wait; older ones are dropped
/// and the log says how many, so a stalled database cannot take the host's memory.
final class StoreWriter: Service, Sendable {
    private struct Pending {
        var entries: [JournalEntry] = []
        var hits: [Key: Int] = [:]
        /// Whether turns were claimed since the last write: the context bound is applied then.
        var claimed = false
        var dropped = 0
        /// Providers' records, in the order they were saved.
        var records: [PendingRecord] = []
        /// The records of the batch being written: until the store has them, reads find them here.
        var writing: [PendingRecord] = []
    }

    private struct PendingRecord {
        let address: RecordAddress
        let value: [UInt8]
        let spaceLimit: Int
    }

    private struct Key: Hashable {
        let fixture: String
        let context: String
    }

    let engine: any StoreEngine
    let retention: JournalRetention
    let contextLimit: Int
    /// The quota counters, synchronised with each batch; `nil` when nothing counts.
    let usage: UsageLedger?
    private let logger: Logger
    private let pending = Mutex(Pending())
    /// Serialises writes, so that a flush waits for a batch already on its way.
    private let writing = AsyncLock()

    static let interval = Duration.milliseconds(100)
    static let maximumPending = 100_000

    init(engine: any StoreEngine, retention: JournalRetention, contextLimit: Int, usage: UsageLedger? = nil, logger: Logger) {
        self.engine = engine
        self.usage = usage
        self.retention = retention
        self.contextLimit = contextLimit
        self.logger = logger
    }

    /// Queues a journal entry.
    func record(_ entry: JournalEntry) {
        pending.withLock { pending in
            if pending.entries.count >= Self.maximumPending {
                let dropped = Self.maximumPending / 10
                pending.entries.removeFirst(dropped)
                pending.dropped += dropped
            }
            pending.entries.append(entry)
        }
    }

    /// Counts a hit of a fixture without a sequence.
    func countHit(fixture: String, context: String) {
        pending.withLock { $0.hits[Key(fixture: fixture, context: context), default: 0] += 1 }
    }

    /// Queues a provider's record.
    func queue(_ value: [UInt8], at address: RecordAddress, spaceLimit: Int) {
        pending.withLock { pending in
            if pending.records.count >= Self.maximumPending {
                pending.records.removeFirst(Self.maximumPending / 10)
            }
            pending.records.append(PendingRecord(address: address, value: value, spaceLimit: spaceLimit))
        }
    }

    /// The newest value queued for `address` and not written yet.
    func pendingRecord(at address: RecordAddress) -> [UInt8]? {
        pending.withLock { pending in
            (pending.records.last { $0.address == address } ?? pending.writing.last { $0.address == address })?.value
        }
    }

    /// Drops what waits to be written at `address`; whether anything did.
    func dropPendingRecord(at address: RecordAddress) -> Bool {
        pending.withLock { pending in
            let count = pending.records.count
            pending.records.removeAll { $0.address == address }
            return pending.records.count < count
        }
    }

    /// Notes that a turn was claimed, so that the next write keeps the contexts within bounds.
    func noteClaim() {
        pending.withLock { $0.claimed = true }
    }

    /// Writes everything recorded so far.
    func flush() async {
        await writing.withLock { await write() }
    }

    private func write() async {
        let batch = pending.withLock { pending -> Pending in
            let batch = pending
            pending = Pending()
            // Taken out of the queue, not yet in the store: a read in between must still find them.
            pending.writing = batch.records
            return batch
        }
        defer { pending.withLock { $0.writing = [] } }
        if batch.dropped > 0 {
            logger.warning("the store fell behind: \(batch.dropped) journal entries were dropped before they were written")
        }
        do {
            try await engine.appendJournal(batch.entries, retention: retention)
            if !batch.hits.isEmpty || batch.claimed {
                let hits = batch.hits.map { HitCount(fixture: $0.key.fixture, context: $0.key.context, count: $0.value) }
                try await engine.addHits(hits, contextLimit: contextLimit)
            }
            for record in batch.records {
                do {
                    _ = try await engine.updateRecord(record.address, spaceLimit: record.spaceLimit) { _ in .set(record.value) }
                } catch let tooLarge as RecordTooLarge {
                    logger.warning("record \(record.address.partition) of \(record.address.space) is not kept: \(tooLarge)")
                }
            }
        } catch {
            logger.error("cannot write to the store \(engine.location): \(error)")
        }
        do {
            try await syncUsage()
        } catch {
            logger.error("cannot count quota usage in the store \(engine.location): \(error)")
        }
    }

    /// Adds the quota counts of this host to the store's and takes back the fleet's.
    func syncUsage() async throws {
        try await usage?.sync(with: engine)
    }

    /// Writes a batch every `interval` until the host stops, then what is left.
    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await flush()
            try? await Task.sleep(for: Self.interval)
        }
        await flush()
    }
}
