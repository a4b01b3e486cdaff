import LyrebirdPluginAPI

/// Works out when each event of a timed reply may leave: the first after the time to first
/// token, each later one once the tokens before it would have been generated, with the
/// timing's jitter on every wait and its pause before the finish.
///
/// Due times come from one schedule fixed at the request's arrival, not from sleeps added up,
/// so a late wake-up never delays the events after it.
struct Pacer {
    private let secondsPerToken: Double?
    private let jitter: Jitter?
    /// Where the jitter is drawn from: the request's own sequence of the host's seed.
    private var random: SeededRandom
    private var endPause: Duration?
    /// When the next event may leave.
    private var next: ContinuousClock.Instant

    init(_ timing: ReplyTiming, start: ContinuousClock.Instant, random: SeededRandom) {
        secondsPerToken = timing.tokensPerSecond.map { 1 / $0 }
        jitter = timing.jitter
        self.random = random
        endPause = timing.endPauseMilliseconds > 0 ? .milliseconds(timing.endPauseMilliseconds) : nil
        next = start + .milliseconds(timing.firstTokenMilliseconds)
        if let jitter { next += jitter.draw(&self.random) }
    }

    /// When the reply is complete: the due time after the last event so far.
    var end: ContinuousClock.Instant { next }

    /// When `event`, the next in the reply, may leave.
    mutating func due(_ event: ReplyEvent) -> ContinuousClock.Instant {
        if case .finish = event, let pause = endPause {
            next += pause
            endPause = nil
        }
        let due = next
        if let secondsPerToken {
            let tokens: Int
            switch event {
            case .text(let text), .reasoning(let text): tokens = TokenCounter.count(text)
            case .toolCallStart(_, _, let name): tokens = TokenCounter.count(name)
            case .toolCallArguments(_, let fragment): tokens = TokenCounter.count(fragment)
            case .finish, .usage, .error, .embedding, .redactedReasoning: tokens = 0
            }
            if tokens > 0 {
                next = due + .seconds(Double(tokens) * secondsPerToken)
                if let jitter { next += jitter.draw(&random) }
            }
        }
        return due
    }
}
