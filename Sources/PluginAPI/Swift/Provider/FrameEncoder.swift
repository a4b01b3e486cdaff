/// Turns the events of one streamed reply into messages, for transports that carry each
/// event on its own (WebSocket): every message one JSON object, with no Server-Sent Events
/// framing around it and no `[DONE]` after the last.
///
/// A provider gets one by default from its `StreamEncoder` (`ServerSentEventFrames`); one whose
/// stream is not SSE, or that can skip the framing, writes its own.
public protocol FrameEncoder: Sendable {
    /// Appends the messages to send before the first event, if any.
    mutating func start(into messages: inout [[UInt8]])
    /// Appends the messages for one event of choice `choice` (0 for events that are not per
    /// choice).
    mutating func encode(_ event: ReplyEvent, choice: Int, into messages: inout [[UInt8]])
    /// Appends the messages that end the reply after its last event, if any.
    mutating func finish(into messages: inout [[UInt8]])
}
