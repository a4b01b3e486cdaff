import LyrebirdPluginAPI
import ServiceLifecycle
import Synchronization

/// The live journal (`GET /_lyrebird/journal/stream`): server-sent events that tell a page,
/// twice a second, how many requests the host has journaled and the newest of them.
///
/// Whatever the traffic, a stream sends one event per tick with at most `newestShown` entries:
/// a page keeps a running count rather than every row when requests come faster than anyone
/// reads, and the host's cost stays one short look at the journal per tick.
final class JournalStreams: Sendable {
    /// How many live journals may be open at once.
    static let maximum = 32
    static let interval: Duration = .milliseconds(500)
    /// The most entries one event carries.
    static let newestShown = 20
    /// How many of the latest entries the first event carries.
    static let firstShown = 50

    private let open = Atomic<Int>(0)
    private let journal: Journal

    init(journal: Journal) {
        self.journal = journal
    }

    /// A live journal: its events, and what ends it (its reader must call it when it stops
    /// reading: a reader that just stops cannot be seen from here).
    struct Stream: Sendable {
        let events: AsyncStream<[UInt8]>
        let stop: @Sendable () -> Void
    }

    /// A new live journal, or why none can open.
    func stream() -> Result<Stream, ReplyError> {
        guard open.add(1, ordering: .relaxed).newValue <= Self.maximum else {
            open.subtract(1, ordering: .relaxed)
            return .failure(
                ReplyError(
                    status: 429, message: "At most \(Self.maximum) live journals may be open at once; close one first.",
                    type: "rate_limit_error", code: "too_many_streams"))
        }
        let (events, continuation) = AsyncStream.makeStream(of: [UInt8].self, bufferingPolicy: .bufferingNewest(2))
        let journal = self.journal
        // The stream gives back its place once, whether its reader stops it or it ends.
        let released = Atomic<Bool>(false)
        let release: @Sendable () -> Void = { [self] in
            if !released.exchange(true, ordering: .relaxed) { self.open.subtract(1, ordering: .relaxed) }
        }
        let producer = Task {
            defer {
                release()
                continuation.finish()
            }
            var seen = max(0, journal.recent(since: 0, limit: 0).total - Self.firstShown)
            var first = true
            // A stopping host ends its live journals, so that they do not hold it open.
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                let (total, entries) = journal.recent(since: seen, limit: first ? Self.firstShown : Self.newestShown)
                if case .terminated = continuation.yield(Self.event(total: total, new: total - seen, entries: entries)) { return }
                seen = total
                first = false
                try? await Task.sleep(for: Self.interval)
            }
        }
        continuation.onTermination = { _ in producer.cancel() }
        return .success(
            Stream(
                events: events,
                stop: {
                    release()
                    producer.cancel()
                }))
    }

    /// `data: {"total", "new", "entries"}` and a blank line.
    static func event(total: Int, new: Int, entries: [JournalEntry]) -> [UInt8] {
        var writer = JSONWriter()
        writer.object { writer in
            writer.member("total", total)
            writer.member("new", new)
            writer.member("entries", array: { writer in entries.forEach { AdminAPI.write($0, into: &writer) } })
        }
        return Array("data: ".utf8) + writer.bytes + Array("\n\n".utf8)
    }
}
