import Testing

@testable import LyrebirdHost

@Suite struct JournalTests {
    private func entry(model: String?, error: String?, warnings: [String] = []) -> JournalEntry {
        JournalEntry(
            requestID: "req_1", time: 0, method: "POST", path: "/v1/chat/completions", provider: "openai.chat", plugin: nil,
            operation: "chat.completions", model: model, source: nil, status: 400, streamed: false, error: error,
            durationMilliseconds: 1, warnings: warnings)
    }

    @Test func longTextsAreCutAndCounted() throws {
        let journal = Journal(capacity: 2)
        let echoed = "Invalid value: '" + String(repeating: "é", count: 4_000_000) + "'."
        journal.record(entry(model: String(repeating: "m", count: 1_500), error: echoed))
        let kept = try #require(journal.all.first)
        #expect(kept.model == String(repeating: "m", count: 1_000) + "… (500 more characters)")
        let error = try #require(kept.error)
        #expect(error.hasPrefix("Invalid value: 'éé") && error.hasSuffix("… (3999018 more characters)"))
        #expect(error.unicodeScalars.count < 1_100)
    }

    @Test func shortTextsAndFewWarningsAreKeptWhole() throws {
        let journal = Journal()
        let original = entry(model: "gpt-4o", error: "The model does not exist.", warnings: ["one", "two"])
        journal.record(original)
        #expect(journal.all == [original])
    }

    @Test func warningsPastTwentyAreCounted() throws {
        let journal = Journal()
        journal.record(entry(model: nil, error: nil, warnings: (1...25).map { "warning \($0)" }))
        let warnings = try #require(journal.all.first).warnings
        #expect(warnings.count == 21)
        #expect(warnings.first == "warning 1" && warnings[19] == "warning 20" && warnings.last == "(5 more warnings)")
    }
}
