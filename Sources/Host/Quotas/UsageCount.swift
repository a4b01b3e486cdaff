/// One counter of the quota stage: a key's requests and tokens in one window.
struct UsageKey: Sendable, Hashable {
    var apiKey: String
    var window: QuotaWindow
    /// When the window began, in Unix seconds.
    var start: Int64
}

/// What a counter holds.
struct UsageCount: Sendable, Hashable {
    var requests = 0
    var tokens = 0

    static func + (left: UsageCount, right: UsageCount) -> UsageCount {
        UsageCount(requests: left.requests + right.requests, tokens: left.tokens + right.tokens)
    }
}
