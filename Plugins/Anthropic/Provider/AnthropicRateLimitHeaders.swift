import Foundation
import LyrebirdPluginAPI

/// Anthropic's rate-limit headers: `anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-{limit,remaining,reset}`,
/// the resets in RFC 3339. A plan's one token limit counts input and output together, so the
/// three token kinds tell the same figures.
enum AnthropicRateLimitHeaders {
    static func headers(_ figures: RateLimitFigures) -> [Header] {
        let kinds = [
            ("requests", figures.requestsPerPeriod), ("tokens", figures.tokens), ("input-tokens", figures.tokens),
            ("output-tokens", figures.tokens),
        ]
        var headers: [Header] = []
        for (kind, allowance) in kinds {
            guard let allowance else { continue }
            headers += [
                Header(name: "anthropic-ratelimit-\(kind)-limit", value: String(allowance.limit)),
                Header(name: "anthropic-ratelimit-\(kind)-remaining", value: String(allowance.remaining)),
                Header(
                    name: "anthropic-ratelimit-\(kind)-reset",
                    value: Date(timeIntervalSince1970: Double(allowance.reset)).formatted(.iso8601)),
            ]
        }
        return headers
    }
}
