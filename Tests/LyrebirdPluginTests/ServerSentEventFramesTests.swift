import LyrebirdPluginAPI
import Testing

/// A stream encoder that writes whatever bytes it is told to, so that the tests choose how the
/// events are cut.
private struct ScriptedStream: StreamEncoder {
    let contentType = "text/event-stream"
    var startBytes = ""
    var finishBytes = ""

    mutating func start() -> [UInt8] { Array(startBytes.utf8) }

    mutating func encode(_ event: ReplyEvent, choice: Int) -> [UInt8] {
        guard case .text(let text) = event else { return [] }
        return Array(text.utf8)
    }

    mutating func finish() -> [UInt8] { Array(finishBytes.utf8) }
}

@Suite struct ServerSentEventFramesTests {
    private func messages(start: String = "", _ pieces: [String], finish: String = "") -> [String] {
        var frames = ServerSentEventFrames(ScriptedStream(startBytes: start, finishBytes: finish))
        var messages: [[UInt8]] = []
        frames.start(into: &messages)
        for piece in pieces { frames.encode(.text(piece), choice: 0, into: &messages) }
        frames.finish(into: &messages)
        return messages.map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func eachEventIsOneMessageWithoutItsFraming() {
        #expect(messages(["data: {\"a\":1}\n\n", "event: x\ndata: {\"b\":2}\n\n"]) == [#"{"a":1}"#, #"{"b":2}"#])
    }

    @Test func theDoneSentinelCommentsAndOtherFieldsAreDropped() {
        let stream = ": keep-alive\n\nid: 7\nretry: 10\ndata: {}\n\n"
        #expect(messages(start: stream, ["data: 1\n\n"], finish: "data: [DONE]\n\n") == ["{}", "1"])
    }

    @Test func eventsCutAcrossWritesAndLineEndingsOfEveryKind() {
        #expect(messages(["da", "ta: {\"x\":", "1}\r", "\n\r\n", "data:2\r\r", "data: a\ndata: b\n", "\n"]) == [#"{"x":1}"#, "2", "a\nb"])
    }

    @Test func anEventTheStreamNeverEndsStillLeaves() {
        #expect(messages(["data: last"]) == ["last"])
    }
}
