import LyrebirdHost
import LyrebirdPluginAPI
import Testing

@Suite struct TokenCounterTests {
    @Test func countsWordsByFourCharacterPiecesAndPunctuationAsOne() {
        #expect(TokenCounter.count("") == 0)
        #expect(TokenCounter.count("a") == 1)
        #expect(TokenCounter.count("hello") == 2)
        #expect(TokenCounter.count("Hi there!") == 4)
        #expect(TokenCounter.count("  spaces   are free ") == 4)
    }

    @Test func promptTokensAddFramingPerMessage() {
        let request = CanonicalRequest(
            operation: "chat.completions", model: "m",
            messages: [Message(role: .system, text: "Be brief."), Message(role: .user, text: "hello")]
        )
        // 3 + (4 + "Be" 1 + "brief" 2 + "." 1) + (4 + "hello" 2)
        #expect(TokenCounter.promptTokens(request) == 17)
    }
}
