import Foundation
import LyrebirdPluginAPI

/// The rate-limit headers a response carries for its key: the hosted services' `X-RateLimit-*`
/// on every provider, and the provider's own dialect where it has one (OpenAI's
/// `x-ratelimit-*`, Anthropic's `anthropic-ratelimit-*`).
enum RateLimitHeaders {
    /// The headers for `figures`, in the dialect of `provider`, at `now` (Unix seconds).
    static func headers(_ figures: UsageLedger.Figures, provider: String, now: Double) -> [Header] {
        var headers: [Header] = []
        // The window closest to its limit is the one a client must heed.
        if let tightest = figures.requests.min(by: { ($0.value.remaining, $0.value.reset) < ($1.value.remaining, $1.value.reset) })?.value {
            headers += [
                Header(name: "x-ratelimit-limit", value: String(tightest.limit)),
                Header(name: "x-ratelimit-remaining", value: String(tightest.remaining)),
                Header(name: "x-ratelimit-reset", value: String(tightest.reset)),
            ]
        }
        // OpenAI and Anthropic tell requests per minute, else the longer window a plan limits.
        let requests = figures.requests[.minute] ?? figures.requests[.day] ?? figures.requests[.month]
        if provider.hasPrefix("openai.") {
            for (kind, allowance) in [("requests", requests), ("tokens", figures.tokens)] {
                guard let allowance else { continue }
                headers += [
                    Header(name: "x-ratelimit-limit-\(kind)", value: String(allowance.limit)),
                    Header(name: "x-ratelimit-remaining-\(kind)", value: String(allowance.remaining)),
                    Header(name: "x-ratelimit-reset-\(kind)", value: openAIDuration(Double(allowance.reset) - now)),
                ]
            }
        } else if provider.hasPrefix("anthropic.") {
            // One token limit counts input and output together; each of the three says it.
            let kinds = [
                ("requests", requests), ("tokens", figures.tokens), ("input-tokens", figures.tokens), ("output-tokens", figures.tokens),
            ]
            for (kind, allowance) in kinds {
                guard let allowance else { continue }
                headers += [
                    Header(name: "anthropic-ratelimit-\(kind)-limit", value: String(allowance.limit)),
                    Header(name: "anthropic-ratelimit-\(kind)-remaining", value: String(allowance.remaining)),
                    Header(name: "anthropic-ratelimit-\(kind)-reset", value: rfc3339(allowance.reset)),
                ]
            }
        }
        return headers
    }

    /// A duration as OpenAI writes its resets: `120ms`, `8.64s`, `6m0s`, `1h2m3s`.
    static func openAIDuration(_ seconds: Double) -> String {
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

    /// Unix seconds as RFC 3339 in UTC: `2026-12-06T22:31:00Z`.
    static func rfc3339(_ seconds: Int64) -> String {
        Date(timeIntervalSince1970: Double(seconds)).formatted(.iso8601)
    }
}
