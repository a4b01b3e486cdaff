import LyrebirdPluginAPI

/// A streamed reply's body, produced batch by batch. Each call to `next` encodes every event
/// that is ready and due, so events that come faster than the client reads leave in one write,
/// while a timed reply still sends each event on its schedule.
final class ReplyStream: @unchecked Sendable {
    // @unchecked: one task at a time uses a stream (the pipeline, then the body writer).

    /// The content type of the body.
    let contentType: String
    private var encoder: any StreamEncoder
    private let feed: EventFeed
    private var pacer: Pacer?
    /// An event read but not yet sent, with the time it may leave (`nil`: at once).
    private var held: (event: ReplyEvent, due: ContinuousClock.Instant?)?
    private let choiceCount: Int
    private var started = false
    private var ended = false
    private var streamError: String?
    private let onEnd: @Sendable (_ error: String?) -> Void

    /// - Parameters:
    ///   - first: The reply's first event, already read (and checked not to be an error).
    ///   - onEnd: Called once when the stream ends or is cancelled, with the error it carried.
    init(
        encoder: any StreamEncoder, feed: EventFeed, pacer: Pacer?, first: (event: ReplyEvent, due: ContinuousClock.Instant?),
        choiceCount: Int, onEnd: @escaping @Sendable (_ error: String?) -> Void
    ) {
        self.contentType = encoder.contentType
        self.encoder = encoder
        self.feed = feed
        self.pacer = pacer
        self.held = first
        self.choiceCount = choiceCount
        self.onEnd = onEnd
    }

    /// The next bytes to send, or `nil` when the stream is over.
    func next() async -> [UInt8]? {
        guard !ended else { return nil }
        var bytes: [UInt8] = []
        if !started {
            started = true
            bytes = encoder.start()
        }
        while true {
            if Task.isCancelled {
                // The connection closed under the reply: nobody reads the rest.
                cancel(reason: "the connection closed")
                return nil
            }
            if let held {
                if let due = held.due, due > .now {
                    if !bytes.isEmpty { return bytes }
                    try? await Task.sleep(until: due, clock: .continuous)
                    guard !ended else { return nil }
                }
                self.held = nil
                append(held.event, to: &bytes)
                continue
            }
            switch feed.poll() {
            case .event(let event):
                if let due = pacer?.due(event) {
                    held = (event, due)
                } else {
                    append(event, to: &bytes)
                }
            case .notReady:
                if !bytes.isEmpty { return bytes }
                await feed.waitForEvents()
            case .ended:
                bytes += encoder.finish()
                end(error: streamError)
                return bytes
            }
        }
    }

    /// Stops the stream because the client went away.
    func cancel(reason: String) {
        guard !ended else { return }
        feed.cancel()
        end(error: reason)
    }

    private func end(error: String?) {
        ended = true
        onEnd(error)
    }

    /// Encodes one event for every choice it belongs to.
    private func append(_ event: ReplyEvent, to bytes: inout [UInt8]) {
        if case .error(let error) = event { streamError = error.message }
        switch event {
        case .usage, .error:
            encoder.encode(event, choice: 0, into: &bytes)
        default:
            for choice in 0..<choiceCount { encoder.encode(event, choice: choice, into: &bytes) }
        }
    }
}
