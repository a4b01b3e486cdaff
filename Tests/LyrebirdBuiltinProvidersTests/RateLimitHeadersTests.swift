import LyrebirdBuiltinProviders
import LyrebirdPluginAPI
import Testing

/// OpenAI's rate-limit dialect, as every OpenAI provider writes it.
@Suite struct RateLimitHeadersTests {
    private func values(_ headers: [Header]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: headers.map { ($0.name, $0.value) })
    }

    @Test func requestsPerMinuteAndTokensWithResetsAsOpenAIWritesThem() {
        let figures = RateLimitFigures(
            requests: [
                "minute": .init(limit: 3, remaining: 2, reset: 1060), "day": .init(limit: 100, remaining: 97, reset: 87_400),
            ],
            tokens: .init(limit: 1000, remaining: 940, reset: 1060), now: 1051.36)
        let headers = values(ChatCompletionsProvider().rateLimitHeaders(figures))
        #expect(headers["x-ratelimit-limit-requests"] == "3")
        #expect(headers["x-ratelimit-remaining-requests"] == "2")
        #expect(headers["x-ratelimit-reset-requests"] == "8.64s")
        #expect(headers["x-ratelimit-limit-tokens"] == "1000")
        #expect(headers["x-ratelimit-remaining-tokens"] == "940")
        #expect(values(ResponsesProvider().rateLimitHeaders(figures)) == headers)
        #expect(values(EmbeddingsProvider().rateLimitHeaders(figures)) == headers)
    }

    @Test func longerWindowsAndShortResets() {
        let day = RateLimitFigures(requests: ["day": .init(limit: 5, remaining: 0, reset: 4600)], now: 1000)
        #expect(values(ChatCompletionsProvider().rateLimitHeaders(day))["x-ratelimit-reset-requests"] == "1h0m0s")
        let soon = RateLimitFigures(requests: ["month": .init(limit: 5, remaining: 1, reset: 1000)], now: 999.88)
        #expect(values(ChatCompletionsProvider().rateLimitHeaders(soon))["x-ratelimit-reset-requests"] == "120ms")
        let minutes = RateLimitFigures(requests: ["minute": .init(limit: 5, remaining: 1, reset: 1360)], now: 1000)
        #expect(values(ChatCompletionsProvider().rateLimitHeaders(minutes))["x-ratelimit-reset-requests"] == "6m0s")
        #expect(ChatCompletionsProvider().rateLimitHeaders(RateLimitFigures(now: 0)).isEmpty)
    }
}
