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
    /// What the fault stage does to the stream, if anything.
    private let fault: StreamFault?
    /// Whether the fault's action has happened.
    private var faulted = false
    /// Events sent so far, for a fault that comes after some.
    private var eventCount = 0
    /// Whether the fault stage cut the stream: its writer closes the connection instead of
    /// ending the body.
    private(set) var cut = false
    /// How the writer splits each write, when the fault stage says so.
    var split: Fault.Split? { fault?.split }
    /// When the request arrived: the journal times each write from it.
    private let startedAt: ContinuousClock.Instant
    /// The writes so far, for the journal, within its bounds.
    private var writes: [ReplyWrite] = []
    private var writtenBytes = 0
    /// How the stream ended, held until the batch it ended with is noted.
    private var ending: ReplyStreamEnd?

    /// - Parameters:
    ///   - first: The reply's first event, already read (and checked not to be an error).
    ///   - onEnd: Called once when the stream ends or is cancelled.
    init(
        encoder: Encoding, feed: EventFeed, pacer: Pacer?, first: (event: ReplyEvent, due: ContinuousClock.Instant?),
        choiceCount: Int, fault: StreamFault? = nil, startedAt: ContinuousClock.Instant = .now,
        onEnd: @escaping @Sendable (_ end: ReplyStreamEnd) -> Void
    ) {
        self.fault = fault
        self.startedAt = startedAt
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
        let batch = await nextBatch()
        if let batch, !batch.isEmpty { note(batch) }
        deliverEnding()
        return batch
    }

    /// Keeps `batch` for the journal, within its bounds.
    private func note(_ batch: [Encoding.Unit]) {
        guard writes.count < JournalEntry.mostWrites, writtenBytes < JournalEntry.longestWrites else { return }
        let text = Encoding.text(of: batch, limit: JournalEntry.longestWrites - writtenBytes)
        writtenBytes += text.utf8.count
        let elapsed = (ContinuousClock.now - startedAt).components
        writes.append(ReplyWrite(milliseconds: Double(elapsed.seconds) * 1000 + Double(elapsed.attoseconds) / 1e15, text: text))
    }

    /// Tells the journal and the quota stage how the stream ended, once it has.
    private func deliverEnding() {
        guard var ending else { return }
        self.ending = nil
        ending.writes = writes
        onEnd(ending)
    }

    private func nextBatch() async -> [Encoding.Unit]? {
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
            if let deadline = fault?.deadline, !faulted, deadline <= .now {
                cutStream(reason: "the fault stage closed the connection at its deadline")
                return batch.isEmpty ? nil : batch
            }
            if let held {
                if let due = held.due, due > .now {
                    if !batch.isEmpty { return batch }
                    let deadline = faulted ? nil : fault?.deadline
                    try? await Task.sleep(until: deadline.map { min($0, due) } ?? due, clock: .continuous)
                    guard !ended else { return nil }
                    if let deadline, deadline <= .now { continue }
                }
                self.held = nil
                if deliver(held.event, into: &batch) { return batch }
                continue
            }
            if pacer == nil && fault == nil {
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
                } else if deliver(event, into: &batch) {
                    return batch
                }
            case .notReady:
                if !batch.isEmpty { return batch }
                await feed.waitForEvents()
            case .ended:
                if case .truncate = fault?.action, !faulted {
                    // A reply that never reached its finish: truncated at its end all the same.
                    faulted = true
                    end(error: truncatedReason)
                    return batch
                }
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
        deliverEnding()
    }

    deinit {
        // A response dropped before its body was written whole (the connection closed before
        // the body started): the stream ended early all the same, and the encoder and the
        // journal must hear it.
        guard !ended else { return }
        feed.cancel()
        let reason = "the response was dropped before the stream ended"
        encoder.abandoned(reason: reason)
        onEnd(ReplyStreamEnd(error: reason, usage: usage, text: text, writes: writes))
    }

    private var truncatedReason: String { "the fault stage ended the stream without its terminator" }

    /// Sends `event`, after what the fault does at it; whether the stream ends here.
    private func deliver(_ event: ReplyEvent, into batch: inout [Encoding.Unit]) -> Bool {
        guard let fault, let action = fault.action, !faulted else {
            append(event, to: &batch)
            return false
        }
        let due: Bool
        if let afterEvents = fault.afterEvents {
            due = eventCount >= afterEvents
        } else {
            switch event {
            case .finish, .usage: due = true
            default: due = false
            }
        }
        guard due else {
            append(event, to: &batch)
            eventCount += 1
            return false
        }
        faulted = true
        switch action {
        case .cut:
            cutStream(reason: "the fault stage closed the connection after \(eventCount) events")
            return true
        case .truncate:
            feed.cancel()
            end(error: truncatedReason)
            return true
        case .malformedJSON, .malformedEvent:
            encoder.malformed(brokenFraming: { if case .malformedEvent = action { return true } else { return false } }(), into: &batch)
            append(event, to: &batch)
            eventCount += 1
            return false
        case .error(let error):
            append(.error(error), to: &batch)
            feed.cancel()
            encoder.finish(into: &batch)
            end(error: error.message)
            return true
        }
    }

    /// Ends the stream the way a dropped connection does: no ending, and the writer closes the
    /// connection once it has sent what is left.
    private func cutStream(reason: String) {
        faulted = true
        cut = true
        feed.cancel()
        encoder.abandoned(reason: reason)
        end(error: reason)
    }

    private func end(error: String?) {
        ended = true
        ending = ReplyStreamEnd(error: error, usage: usage, text: text)
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
    /// Its writes as the client received them, with their times.
    var writes: [ReplyWrite] = []
}
