import LyrebirdPluginAPI
import Testing

@Suite struct PendingToolCallsTests {
    @Test func answersByIdByNameAndOldestEachCallOnce() {
        var calls = PendingToolCalls()
        calls.append(id: "a", name: "weather")
        calls.append(id: "b", name: "time")
        calls.append(id: "c", name: "weather")
        calls.append(id: "a", name: "news")
        #expect(calls.answer(id: "a") == "a")
        #expect(calls.answer(name: "weather") == "c", "the call answered by id is not answered again by name")
        #expect(calls.answer(id: "nope") == nil && calls.answer(name: "nope") == nil)
        #expect(calls.answerOldest() == "b")
        #expect(calls.answer(id: "a") == "a", "a repeated id answers its next call")
        #expect(calls.answerOldest() == nil)
        #expect(calls.answer(name: "weather") == nil)
    }

    @Test func manyCallsAnsweredOutOfOrder() {
        var calls = PendingToolCalls()
        for index in 0..<50_000 { calls.append(id: "call_\(index)", name: "tool_\(index % 7)") }
        for index in stride(from: 49_999, through: 0, by: -2) { #expect(calls.answer(id: "call_\(index)") == "call_\(index)") }
        var rest: [String] = []
        while let id = calls.answerOldest() { rest.append(id) }
        #expect(rest == stride(from: 0, to: 50_000, by: 2).map { "call_\($0)" })
    }
}
