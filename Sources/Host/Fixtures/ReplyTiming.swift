/// How fast a fixture's reply arrives, as a real model's would: a wait before the first token,
/// then a steady token rate.
///
/// A streamed reply sends its first event `firstTokenMilliseconds` after the request arrived,
/// and each later event once the tokens of the events before it would have been generated at
/// `tokensPerSecond`. A whole reply is sent when its last event would have been.
public struct ReplyTiming: Sendable, Hashable {
    /// The wait before the first event (time to first token).
    public var firstTokenMilliseconds: Int
    /// The generation rate after the first event; `nil` sends every later event at once.
    public var tokensPerSecond: Double?

    /// Creates a timing; the defaults send everything at once.
    public init(firstTokenMilliseconds: Int = 0, tokensPerSecond: Double? = nil) {
        self.firstTokenMilliseconds = firstTokenMilliseconds
        self.tokensPerSecond = tokensPerSecond
    }
}
