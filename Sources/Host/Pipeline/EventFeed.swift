import LyrebirdPluginAPI

/// The events of one reply as the pipeline reads them: all known at once (a fixed reply or an
/// error), or arriving from a responder through its channel.
final class EventFeed {
    /// What `poll` found.
    enum Poll {
        case event(ReplyEvent)
        /// The responder has not emitted the next event yet.
        case notReady
        /// The reply has no more events.
        case ended
    }

    @exclusivity(unchecked) private var buffered: [ReplyEvent]
    @exclusivity(unchecked) private var position = 0
    /// An event after `buffered`, given apart so that a prepared reply's shared events are
    /// read where they are instead of copied to append one.
    @exclusivity(unchecked) private var trailing: ReplyEvent?
    private let channel: ReplyChannel?
    private let producer: Task<Void, Never>?

    /// A reply whose events are all known: `events`, then `last` if given.
    init(_ events: [ReplyEvent], then last: ReplyEvent? = nil) {
        buffered = events
        trailing = last
        channel = nil
        producer = nil
    }

    /// A reply that `producer` emits into `channel`.
    init(channel: ReplyChannel, producer: Task<Void, Never>) {
        buffered = []
        self.channel = channel
        self.producer = producer
    }

    /// Whether every event is known already, so the reply can be encoded in one go.
    var isComplete: Bool { channel == nil }

    /// Hands every event that is ready now to `body`, in order, without copying them out one at
    /// a time; returns whether the reply ended (rather than only running out of ready events).
    func drainReady(_ body: (borrowing ReplyEvent) -> Void) -> Bool {
        while true {
            while position < buffered.count {
                body(buffered[position])
                position += 1
            }
            guard let channel else {
                if let last = trailing {
                    trailing = nil
                    body(last)
                }
                return true
            }
            switch channel.take() {
            case .events(let events):
                buffered = events
                position = 0
            case .empty:
                return false
            case .ended:
                return true
            }
        }
    }

    /// The next event if there is one now.
    func poll() -> Poll {
        if position < buffered.count {
            defer { position += 1 }
            return .event(buffered[position])
        }
        guard let channel else {
            guard let last = trailing else { return .ended }
            trailing = nil
            return .event(last)
        }
        switch channel.take() {
        case .events(let events):
            buffered = events
            position = 1
            return .event(events[0])
        case .empty:
            return .notReady
        case .ended:
            return .ended
        }
    }

    /// Waits until `poll` has something new to say. A cancelled reader (its connection closed)
    /// stops the responder, and `poll` then finds the reply ended.
    func waitForEvents() async {
        guard let channel else { return }
        await withTaskCancellationHandler {
            await channel.waitForEvents()
        } onCancel: { [producer] in
            producer?.cancel()
            channel.close()
        }
    }

    /// The next event, waiting for it; `nil` at the end.
    func next() async -> ReplyEvent? {
        while true {
            switch poll() {
            case .event(let event): return event
            case .ended: return nil
            case .notReady: await waitForEvents()
            }
        }
    }

    /// Stops the responder: the client no longer wants the reply.
    func cancel() {
        producer?.cancel()
        channel?.close()
    }
}
