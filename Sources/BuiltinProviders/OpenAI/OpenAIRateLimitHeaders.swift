import LyrebirdPluginAPI

/// OpenAI's rate-limit headers: `x-ratelimit-{limit,remaining,reset}-{requests,tokens}`, the
/// resets as durations the way the API writes them (`6m0s`, `8.64s`, `120ms`).
enum OpenAIRateLimitHeaders {
    static func headers(_ figures: RateLimitFigures) -> [Header] {
        var headers: [Header] = []
        for (kind, allowance) in [("requests", figures.requestsPerPeriod), ("tokens", figures.tokens)] {
            guard let allowance else { continue }
            headers += [
                Header(name: "x-ratelimit-limit-\(kind)", value: String(allowance.limit)),
                Header(name: "x-ratelimit-remaining-\(kind)", value: String(allowance.remaining)),
                Header(name: "x-ratelimit-reset-\(kind)", value: duration(Double(allowance.reset) - figures.now)),
            ]
        }
        return headers
    }

    /// A duration as OpenAI writes its resets: `120ms`, `8.64s`, `6m0s`, `1h2m3s`.
    static func duration(_ seconds: Double) -> String {
        let seconds = max(0, seconds)
        if seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
        if seconds < 60 {
            let hundredths = (seconds * 100).rounded() / 100
            return hundredths == hundredths.rounded() ? "\(Int(hundredths))s" : "\(hundredths)s"
        }
        let whole = Int(seconds.rounded())
        let (hours, minutes, rest) = (whole / 3600, whole % 3600 / 60, whole % 60)
        return (hours > 0 ? "\(hours)h" : "") + "\(minutes)m\(rest)s"
    }
}
