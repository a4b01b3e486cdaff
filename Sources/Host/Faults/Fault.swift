import LyrebirdPluginAPI

/// A failure the host shows a client on purpose, the way a provider can fail: the fault stage
/// applies it to a request's reply, whatever the provider and the transport.
public struct Fault: Sendable, Hashable {
    /// What goes wrong.
    public enum Kind: Sendable, Hashable {
        /// An error response in the provider's error shape, with the error's status and
        /// `retry-after` when it has a wait.
        case error(ReplyError)
        /// No answer until the client gives up; after `milliseconds`, when given, the connection
        /// closes without one.
        case hang(milliseconds: Int?)
        /// The connection closes without warning (a WebSocket without a close frame).
        case disconnect(Cut)
        /// A stream that ends without its finish, usage and terminator (`[DONE]`,
        /// `response.completed`, `message_stop`, Gemini's last chunk, Ollama's `done`).
        case truncate(afterEvents: Int?)
        /// A whole body cut in the middle of its JSON, or a stream event whose JSON does not
        /// parse, after `afterEvents` events.
        case malformedJSON(afterEvents: Int)
        /// A stream whose framing breaks after `afterEvents` events: an event without the blank
        /// line (or newline) that ends it, so it runs into the next.
        case malformedEvent(afterEvents: Int)
        /// Every write of the reply sent in pieces, apart.
        case splitEvents(Split)
        /// A provider error event in the middle of a stream, after `afterEvents` events; a whole
        /// reply gets the error response.
        case streamError(ReplyError, afterEvents: Int)
        /// The reply refused: `text` (else the fixture's own text), then a content-filter
        /// finish in the provider's shape (`content_filter`, `refusal`, `SAFETY`...).
        case refusal(text: String?)
        /// A WebSocket close frame with this code and reason; over HTTP, a disconnect before
        /// the headers.
        case webSocketClose(code: UInt16, reason: String)
    }

    /// Where a disconnect cuts the reply.
    public enum Cut: Sendable, Hashable {
        /// Before any byte of the response.
        case beforeHeaders
        /// After this many events of a stream; a whole reply after half its body.
        case afterEvents(Int)
        /// This long after the request arrived.
        case afterMilliseconds(Int)
    }

    /// How a split write is cut.
    public struct Split: Sendable, Hashable {
        /// Where the pieces end.
        public enum Boundary: Sendable, Hashable {
            /// Every `n` bytes.
            case bytes(Int)
            /// Inside the first character of more than one byte in each write (after its first
            /// byte), else in its middle.
            case insideCharacter
            /// Lines end in `\r\n`, and each write is cut between the `\r` and the `\n`.
            case betweenCRLF
        }

        public var boundary: Boundary
        /// The wait between two pieces, so that they reach the client apart.
        public var pauseMilliseconds: Int

        /// Creates a split.
        public init(_ boundary: Boundary, pauseMilliseconds: Int = 5) {
            self.boundary = boundary
            self.pauseMilliseconds = pauseMilliseconds
        }
    }

    /// What goes wrong.
    public var kind: Kind
    /// The chance that it applies to a request it could apply to: 1 always, 0.3 three times in
    /// ten, drawn from the host's seed.
    public var rate: Double
    /// How many times it applies in each context before it stops (with a rate, the requests it
    /// skips do not count); `nil` for no end ("fail the next N requests, then answer").
    public var times: Int?

    /// Creates a fault that applies with probability `rate`, at most `times` times per context.
    public init(_ kind: Kind, rate: Double = 1, times: Int? = nil) {
        self.kind = kind
        self.rate = min(1, max(0, rate))
        self.times = times
    }
}
