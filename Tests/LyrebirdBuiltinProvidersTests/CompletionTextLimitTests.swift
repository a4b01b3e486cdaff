import LyrebirdPluginAPI
import Testing

@testable import LyrebirdBuiltinProviders

@Suite struct CompletionTextLimitTests {
    /// The text a limit lets through when the reply arrives in `pieces`, and why it was cut.
    private func run(_ pieces: [String], stops: [String], maxTokens: Int? = nil) -> (text: String, cut: FinishReason?) {
        var limit = CompletionTextLimit(stops: stops, maxTokens: maxTokens)
        var text = pieces.map { limit.admit($0) }.joined()
        text += limit.flush()
        return (text, limit.cut)
    }

    /// Where a model writing `text` stops: before the stop sequence it completes first (the
    /// longest, when several end at the same byte).
    private func expected(_ text: String, stops: [String]) -> String {
        let bytes = Array(text.utf8)
        for end in bytes.indices.map({ $0 + 1 }) {
            let starts = stops.map { Array($0.utf8) }.filter { !$0.isEmpty && bytes[..<end].reversed().starts(with: $0.reversed()) }
                .map { end - $0.count }
            if let start = starts.min() { return String(decoding: bytes[..<start], as: UTF8.self) }
        }
        return text
    }

    @Test func piecesOfAnySizeStopWhereTheWholeTextDoes() {
        var state: UInt64 = 7
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let alphabet = ["a", "b", "é", " "]
        func word(_ length: Int) -> String { (0..<length).map { _ in alphabet[next(alphabet.count)] }.joined() }
        for _ in 0..<2_000 {
            let text = word(next(40))
            let stops = (0..<(1 + next(3))).map { _ in word(1 + next(4)) }
            var pieces: [String] = []
            var rest = Substring(text)
            while !rest.isEmpty {
                let size = 1 + next(5)
                pieces.append(String(rest.prefix(size)))
                rest = rest.dropFirst(size)
            }
            let (sent, cut) = run(pieces, stops: stops)
            #expect(sent == expected(text, stops: stops), "\(text) \(stops) \(pieces)")
            #expect((cut == .stop) == (sent != text), "\(text) \(stops)")
        }
    }

    @Test func aPartlyMatchedSequenceFallsBackAndIsSentAfterAll() {
        #expect(run(["xaa", "ab"], stops: ["aab"]) == ("xa", .stop))
        #expect(run(["xaa", "ac"], stops: ["aab"]) == ("xaaac", nil))
        #expect(run(["say caf", "e\u{301} now"], stops: ["cafe\u{301}"]) == ("say ", .stop))
    }

    @Test func aLongStopSequenceCostsTimeLinearInTheText() {
        // Half a megabyte of stop sequence that the text almost ends with, 16 bytes a piece: the
        // old search compared the whole held text again at every piece.
        let text = String(repeating: "a", count: 1_000_000)
        let pieces = stride(from: 0, to: text.utf8.count, by: 16).map { String(repeating: "a", count: min(16, 1_000_000 - $0)) }
        #expect(run(pieces, stops: [String(repeating: "a", count: 500_000) + "c"]) == (text, nil))
        #expect(run(pieces, stops: [String(repeating: "a", count: 500_000)]) == ("", .stop))
    }

    @Test func maxTokensCutsFirstWhenItComesFirst() {
        #expect(run(["one two three four"], stops: ["four"], maxTokens: 2) == ("one two ", .length))
    }
}
