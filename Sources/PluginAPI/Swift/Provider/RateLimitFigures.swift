/// What the host's quota stage tells a provider of the caller's key, for the rate-limit headers
/// of its response in the provider's own dialect (``Provider/rateLimitHeaders(_:)``): the
/// limits of the key's plan, what is left of each after this request, and when each starts
/// again.
public struct RateLimitFigures: Sendable, Hashable, Codable {
    /// One limit.
    public struct Allowance: Sendable, Hashable, Codable {
        /// How many requests (or tokens) the window allows.
        public var limit: Int
        /// How many are left, this request counted.
        public var remaining: Int
        /// When the window starts again, in Unix seconds.
        public var reset: Int64

        public init(limit: Int, remaining: Int, reset: Int64) {
            self.limit = limit
            self.remaining = remaining
            self.reset = reset
        }
    }

    /// The request limits of the windows the plan limits, by window: `minute`, `day`, `month`.
    public var requests: [String: Allowance]
    /// The input and output tokens a minute allows, when the plan limits them.
    public var tokens: Allowance?
    /// The host's time (Unix seconds, by the clock quotas count by), to write resets as
    /// durations from now.
    public var now: Double

    public init(requests: [String: Allowance] = [:], tokens: Allowance? = nil, now: Double) {
        self.requests = requests
        self.tokens = tokens
        self.now = now
    }

    /// The request window a dialect that tells one should tell: the minute when the plan
    /// limits it, else the day, else the month.
    public var requestsPerPeriod: Allowance? {
        requests["minute"] ?? requests["day"] ?? requests["month"]
    }
}
