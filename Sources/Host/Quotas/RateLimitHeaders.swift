import Foundation
import LyrebirdPluginAPI

/// The rate-limit headers a response carries for its key: the hosted services' three, which the
/// host sends for every provider, then the provider's own dialect
/// (`Provider.rateLimitHeaders(_:)`: OpenAI's `x-ratelimit-*`, Anthropic's
/// `anthropic-ratelimit-*`).
enum RateLimitHeaders {
    static func headers(_ figures: RateLimitFigures, provider: any Provider) -> [Header] {
        var headers: [Header] = []
        // The window closest to its limit is the one a client must heed.
        if let tightest = figures.requests.values.min(by: { ($0.remaining, $0.reset) < ($1.remaining, $1.reset) }) {
            headers += [
                Header(name: "x-ratelimit-limit", value: String(tightest.limit)),
                Header(name: "x-ratelimit-remaining", value: String(tightest.remaining)),
                Header(name: "x-ratelimit-reset", value: String(tightest.reset)),
            ]
        }
        return headers + provider.rateLimitHeaders(figures)
    }

    /// Unix seconds as RFC 3339 in UTC: `2026-12-06T22:31:00Z`.
    static func rfc3339(_ seconds: Int64) -> String {
        Date(timeIntervalSince1970: Double(seconds)).formatted(.iso8601)
    }
}
