import LyrebirdPluginAPI

/// A streamed reply, produced batch by batch: body bytes for HTTP (`BodyEncoding`), messages for
/// WebSocket (`FrameEncoding`). Each call to `next` encodes every event that is ready and due,
/// so events that come faster than the client reads leave in one write, while a timed reply
/// still sends each event on its schedule.
final class ReplyStream<Encoding: ReplyEncoding>: @unchecked Sendable {
    // @unchecked: one task at a time uses a stream (the pipeline, then the body writer).

    /// The content type of what the stream produces.
    let contentType: String
    /// The response headers: those every stream carries, then the encoder's own, then the
    /// quota stage's.
    var headers: [Header]
    // Used by one task at a time: exclusivity is checked by that, not per access.
    @exclusivity(unchecked) private var encoder: Encoding
    private let feed: EventFeed
    @exclusivity(unchecked) private var pacer: Pacer?
    /// An event read but not yet sent, with the time it may leave (`nil`: at once).
    private var held: (event: ReplyEvent, due: ContinuousClock.Instant?)?
    private let choiceCount: Int
    private var started = false
    private var ended = false
    private var streamError: String?
    /// The reply's usage event: counted against the key's quota at the end, and journaled.
    private var usage: Usage?
    /// The text of the reply's first choice, for the journal, up to `JournalEntry.longestBody`.
    private var text = ""
    private let onEnd: @Sendable (_ end: ReplyStreamEnd) -> Void

    /// - Parameters:
    ///   - first: The reply's first event, already read (and checked not to be an error).
    ///   - onEnd: Called once when the stream ends or is cancelled.
    init(
        encoder: Encoding, feed: EventFeed, pacer: Pacer?, first: (event: ReplyEvent, due: ContinuousClock.Instant?),
        choiceCount: Int, onEnd: @escaping @Sendable (_ end: ReplyStreamEnd) -> Void
    ) {
        self.contentType = encoder.contentType
        self.headers = Pipeline.streamHeaders + encoder.headers
        self.encoder = encoder
        self.feed = feed
        self.pacer = pacer
        self.held = first
        self.choiceCount = choiceCount
        self.onEnd = onEnd
    }

    /// The next batch to send, or `nil` when the stream is over.
    func next() async -> [Encoding.Unit]? {
        guard !ended else { return nil }
        var batch: [Encoding.Unit] = []
        if !started {
            started = true
            encoder.start(into: &batch)
        }
        while true {
            if Task.isCancelled {
                // The connection closed under the reply: nobody reads the rest.
                cancel(reason: "the connection closed")
                return nil
            }
            if let held {
                if let due = held.due, due > .now {
                    if !batch.isEmpty { return batch }
                    try? await Task.sleep(until: due, clock: .continuous)
                    guard !ended else { return nil }
                }
                self.held = nil
                append(held.event, to: &batch)
                continue
            }
            if pacer == nil {
                // Untimed: everything ready goes into this write, straight from the feed.
                let replyEnded = feed.drainReady { event in append(event, to: &batch) }
                if replyEnded {
                    encoder.finish(into: &batch)
                    end(error: streamError)
                    return batch
                }
                if !batch.isEmpty { return batch }
                await feed.waitForEvents()
                continue
            }
            switch feed.poll() {
            case .event(let event):
                if let due = pacer?.due(event) {
                    held = (event, due)
                } else {
                    append(event, to: &batch)
                }
            case .notReady:
                if !batch.isEmpty { return batch }
                await feed.waitForEvents()
            case .ended:
                encoder.finish(into: &batch)
                end(error: streamError)
                return batch
            }
        }
    }

    /// Stops the stream because the client went away; the encoder hears it instead of finishing.
    func cancel(reason: String) {
        guard !ended else { return }
        feed.cancel()
        encoder.abandoned(reason: reason)
        end(error: reason)
    }

    deinit {
        // A response dropped before its body was written whole (the connection closed before
        // the body started): the stream ended early all the same, and the encoder and the
        // journal must hear it.
        guard !ended else { return }
        feed.cancel()
        let reason = "the response was dropped before the stream ended"
        encoder.abandoned(reason: reason)
        onEnd(ReplyStreamEnd(error: reason, usage: usage, text: text))
    }

    private func end(error: String?) {
        ended = true
        onEnd(ReplyStreamEnd(error: error, usage: usage, text: text))
    }

    /// Encodes one event for every choice it belongs to.
    private func append(_ event: ReplyEvent, to batch: inout [Encoding.Unit]) {
        switch event {
        case .error(let error): streamError = error.message
        case .usage(let reported): usage = reported
        case .text(let piece) where text.utf8.count < JournalEntry.longestBody: text += piece
        default: break
        }
        switch event {
        case .usage, .error, .embedding:
            encoder.encode(event, choice: 0, into: &batch)
        default:
            for choice in 0..<choiceCount { encoder.encode(event, choice: choice, into: &batch) }
        }
    }
}

/// How a stream ended, for the journal and the quota stage.
struct ReplyStreamEnd: Sendable {
    /// The error it carried, or why it stopped early.
    var error: String?
    /// Its usage event, when it sent one.
    var usage: Usage?
    /// The text of its first choice, up to `JournalEntry.longestBody` bytes.
    var text: String
}
