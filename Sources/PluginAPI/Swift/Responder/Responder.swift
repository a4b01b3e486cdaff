/// Computes replies: given a canonical request, emits canonical reply events into a sink.
///
/// Builtin responders and plugin responders implement this same protocol. A responder emits
/// the events of one choice; the host copies them for every choice the client asked for and
/// adds usage when the responder gives none.
///
/// `respond` may be called concurrently for different requests. In a plugin it runs on one of
/// the host's script threads, where it may block (I/O, sleeps) but holds that thread; a
/// responder linked into the host runs as a task. When the client goes away, the sink
/// stops accepting events and the task is cancelled: check `Task.isCancelled` in long loops.
public protocol Responder: Sendable {
    /// The name fixtures use to pick this responder (`reply: {responder: NAME}`).
    var name: String { get }

    /// Emits the reply to `request` into `sink`.
    ///
    /// - Parameters:
    ///   - request: The decoded request, whichever provider it came through.
    ///   - parameters: The fixture's parameters for this responder (`.null` when none).
    ///   - sink: Where the events go; valid only during this call.
    /// - Throws: Any error ends the reply with a 500 in the provider's error shape; throw a
    ///   `ReplyError` to choose the status and message.
    func respond(to request: CanonicalRequest, parameters: JSONValue, into sink: any ReplySink) async throws
}

/// Where a responder sends its events.
///
/// Valid only during the `respond` call that received it; call it from that call only (not
/// from tasks it spawns). Events are delivered in order; once the reply is over (the client
/// went away, or an `.error` ended it) further events are dropped and the task is cancelled.
public protocol ReplySink: Sendable {
    /// Sends one event to the client (after the host's pacing).
    func emit(_ event: ReplyEvent) async
    /// Waits before the next event, as a slow model would.
    func pause(milliseconds: Int) async
    /// Sends events that are ready together, so a stream can carry them in one write.
    func emit(contentsOf events: [ReplyEvent]) async
}

extension ReplySink {
    /// Sends the events one by one; sinks that can take a batch at once override it.
    public func emit(contentsOf events: [ReplyEvent]) async {
        for event in events { await emit(event) }
    }
}
