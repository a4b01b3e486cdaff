import LyrebirdPluginAPI

/// What the fault stage does to one stream: what breaks, after how many events, when the
/// connection is cut, and how the writer splits each write.
struct StreamFault: Sendable {
    enum Action: Sendable {
        /// The connection closes: the client never sees the stream's end.
        case cut
        /// The stream ends cleanly, without its finish, usage and terminator.
        case truncate
        /// An event whose JSON does not parse; the stream goes on.
        case malformedJSON
        /// An event that runs into the next; the stream goes on.
        case malformedEvent
        /// The provider's error event, then the stream's end.
        case error(ReplyError)
    }

    /// What happens, if anything happens at an event.
    var action: Action?
    /// After how many events it happens; `nil` at the reply's end (its finish or usage).
    var afterEvents: Int?
    /// When the connection is cut, whatever was sent by then.
    var deadline: ContinuousClock.Instant?
    /// How the writer splits each write.
    var split: Fault.Split?

    /// The stream part of `fault`, or `nil` for a fault that leaves streams alone (it acted
    /// before the stream began).
    init?(_ fault: Fault, start: ContinuousClock.Instant) {
        switch fault.kind {
        case .disconnect(.afterEvents(let count)): (action, afterEvents) = (.cut, count)
        case .disconnect(.afterMilliseconds(let milliseconds)): deadline = start + .milliseconds(milliseconds)
        case .truncate(let count): (action, afterEvents) = (.truncate, count)
        case .malformedJSON(let count): (action, afterEvents) = (.malformedJSON, count)
        case .malformedEvent(let count): (action, afterEvents) = (.malformedEvent, count)
        case .streamError(let error, let count): (action, afterEvents) = (.error(error), count)
        case .splitEvents(let split): self.split = split
        case .error, .hang, .disconnect(.beforeHeaders), .refusal, .webSocketClose: return nil
        }
    }
}

/// What the fault stage does to a whole (not streamed) response on its way out.
enum WholeFault: Sendable {
    /// The connection closes after this many bytes of the body.
    case cut(afterBytes: Int)
    /// The body leaves in pieces.
    case split(Fault.Split)
}
