/// One write of a streamed reply: when it left, in milliseconds from the request's arrival,
/// and what it held (an HTTP body's bytes as text, or a WebSocket write's messages, one a line).
public struct ReplyWrite: Sendable, Hashable {
    public var milliseconds: Double
    public var text: String

    public init(milliseconds: Double, text: String) {
        self.milliseconds = milliseconds
        self.text = text
    }
}
