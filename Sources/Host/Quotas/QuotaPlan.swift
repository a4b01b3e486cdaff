/// What a plan lets each of its keys do (`settings.plans`); a limit left out is no limit.
public struct QuotaPlan: Sendable, Hashable {
    /// The plan's name, as keys name it.
    public var name: String
    /// Requests in one calendar month (UTC).
    public var requestsPerMonth: Int?
    /// Requests in one day (UTC).
    public var requestsPerDay: Int?
    /// Requests in one minute.
    public var requestsPerMinute: Int?
    /// Input and output tokens in one minute, counted as the replies count them.
    public var tokensPerMinute: Int?
    /// Requests running at once.
    public var concurrentRequests: Int?

    public init(name: String) {
        self.name = name
    }

    /// Whether the plan limits anything.
    var limitsAnything: Bool {
        requestsPerMonth != nil || requestsPerDay != nil || requestsPerMinute != nil || tokensPerMinute != nil
            || concurrentRequests != nil
    }

    /// The request limit of each window the plan limits.
    func requestLimit(_ window: QuotaWindow) -> Int? {
        switch window {
        case .minute: return requestsPerMinute
        case .day: return requestsPerDay
        case .month: return requestsPerMonth
        }
    }
}
