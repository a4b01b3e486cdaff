import Foundation
import LyrebirdHost
import LyrebirdPluginAPI
import Testing

@testable import LyrebirdBuiltinProviders

@Suite struct TokenLogprobsTests {
    private let samples = [
        "Hello, world!", "  leading space", "trailing space ", "internationalisation is long", "e\u{301}cole und Straße 42",
        "emoji 👍🏽 and ¿qué?", "a\n\nb", "   ",
    ]

    @Test func tokensJoinUpToTheTextAndFollowTheCountingRule() {
        for text in samples {
            let tokens = TokenLogprobs.split(text[...])
            #expect(tokens.joined() == text)
            #expect(tokens.count == max(1, TokenCounter.count(text)), "\(text.debugDescription)")
            #expect(TokenCounter.count(text[...]) == TokenCounter.count(text), "\(text.debugDescription)")
        }
        #expect(TokenLogprobs.split(""[...]).isEmpty)
        #expect(TokenLogprobs.split("Hi there! "[...]) == ["Hi ", "ther", "e", "! "])
    }

    @Test func valuesAreDeterministicPlausibleAndRanked() {
        let first = TokenLogprobs.tokens(of: "The quick brown fox jumps."[...], from: 0, top: 20)
        #expect(first == TokenLogprobs.tokens(of: "The quick brown fox jumps."[...], from: 0, top: 20))
        for token in first {
            #expect((-2.5 ... -0.01).contains(token.logprob))
            #expect(token.top.count == 20)
            #expect(token.top[0] == TokenLogprobs.Alternative(token: String(token.text), logprob: token.logprob))
            #expect(Set(token.top.map(\.token)).count == 20)
            let logprobs = token.top.map(\.logprob)
            #expect(zip(logprobs, logprobs.dropFirst()).allSatisfy { $0 > $1 })
            #expect(logprobs.reduce(0) { $0 + exp($1) } <= 1)
        }
        // The position is part of the draw: the same word later gets its own value.
        let repeated = TokenLogprobs.tokens(of: "same same same same"[...], from: 0, top: 0)
        #expect(Set(repeated.map(\.logprob)).count > 1)
    }

    @Test func aStreamCutAfterWhitespaceGetsTheWholeTextsValues() {
        let whole = TokenLogprobs.tokens(of: "Once upon a time, a lyrebird sang."[...], from: 0, top: 2)
        var streamed: [TokenLogprobs.Token] = []
        for piece in ["Once upon ", "a time, ", "a lyrebird sang."] {
            streamed += TokenLogprobs.tokens(of: piece[...], from: streamed.count, top: 2)
        }
        #expect(streamed.map(\.text) == whole.map(\.text))
        #expect(streamed.map(\.logprob) == whole.map(\.logprob))
    }

    @Test func alternativesCopyAtMostFourCharactersOfTrailingWhitespace() throws {
        let spaced = "word" + String(repeating: " ", count: 100_000)
        let token = try #require(TokenLogprobs.tokens(of: spaced[...], from: 0, top: 20).first)
        #expect(token.top[0].token == spaced)
        #expect(token.top.dropFirst().allSatisfy { $0.token.hasSuffix("    ") && $0.token.count <= 4 + 4 })
        let short = try #require(TokenLogprobs.tokens(of: "word \n"[...], from: 0, top: 3).first)
        #expect(short.top.dropFirst().allSatisfy { $0.token.hasSuffix(" \n") })
    }
}
