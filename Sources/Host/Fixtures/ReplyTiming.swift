/// How fast a reply arrives, as a real model's would: a wait before the response headers, a
/// wait before the first token, a steady token rate with some jitter, pieces of a chosen size,
/// and a pause before the end.
///
/// A streamed reply sends its first event `firstTokenMilliseconds` after the request arrived,
/// and each later event once the tokens of the events before it would have been generated at
/// `tokensPerSecond`. A whole reply is sent when its last event would have been.
public struct ReplyTiming: Sendable, Hashable {
    /// The wait before the first event (time to first token).
    public var firstTokenMilliseconds: Int
    /// The generation rate after the first event; `nil` sends every later event at once.
    public var tokensPerSecond: Double?
    /// The wait before the response's headers leave; counted within the time to first token.
    public var headerLatencyMilliseconds = 0
    /// Noise added to the time to first token and to every wait between events, drawn from
    /// the host's seed; `nil` for none.
    public var jitter: Jitter?
    /// The size of a streamed reply's pieces; `nil` for the host's `stream_chunk_characters`.
    public var chunk: ChunkSize?
    /// A wait before the reply's end (its finish, usage and terminator).
    public var endPauseMilliseconds = 0

    /// Creates a timing; the defaults send everything at once.
    public init(firstTokenMilliseconds: Int = 0, tokensPerSecond: Double? = nil) {
        self.firstTokenMilliseconds = firstTokenMilliseconds
        self.tokensPerSecond = tokensPerSecond
    }
}

/// A distribution of delays, in milliseconds.
public enum Jitter: Sendable, Hashable {
    /// The same delay every time.
    case fixed(milliseconds: Double)
    /// Any delay between the bounds, all equally likely.
    case uniform(minimumMilliseconds: Double, maximumMilliseconds: Double)
    /// A normal distribution; negative draws count as no delay.
    case normal(meanMilliseconds: Double, standardDeviationMilliseconds: Double)
    /// A log-normal distribution (the delay's logarithm is normal with `mu` and `sigma`), the
    /// long tail of real latencies.
    case logNormal(mu: Double, sigma: Double)
}

/// How big the pieces of a streamed reply are.
public enum ChunkSize: Sendable, Hashable {
    /// About this many characters, ending after whitespace when it can.
    case characters(Int)
    /// This many words, each with the whitespace after it.
    case words(Int)
    /// This many tokens, as `TokenCounter` counts them.
    case tokens(Int)
}
