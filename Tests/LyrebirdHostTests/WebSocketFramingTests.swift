import LyrebirdPluginAPI
import Testing

@testable import LyrebirdHost

@Suite struct WebSocketFramingTests {
    private func json(_ bytes: [UInt8]) throws -> JSONValue { try JSONValue.parse(bytes) }

    @Test func aResponsesMessageIsTheBodyWithItsEnvelopeMembersTakenOut() throws {
        let message = #"{"type":"response.create","stream_id":"lane-1","model":"m","input":"hi","stream":false}"#
        let request = try FrameRequest.read(Array(message.utf8), framing: .events(requestType: "response.create"))
        #expect(request.lane == "stream:lane-1")
        #expect(request.shape == FrameShape(style: .events(streamID: "lane-1")))
        #expect(try json(request.body) == ["model": "m", "input": "hi", "stream": true])

        let plain = try FrameRequest.read(
            Array(#"{"type":"response.create","model":"m"}"#.utf8), framing: .events(requestType: "response.create"))
        #expect(plain.lane == "stream:")
        #expect(plain.shape == FrameShape(style: .events(streamID: nil)))
    }

    @Test func anEnvelopeMessageCarriesItsRequestAndNamesItsLane() throws {
        let message = #"{"type":"chat.request","id":"r1","request":{"model":"m","messages":[]}}"#
        let request = try FrameRequest.read(Array(message.utf8), framing: .envelope(prefix: "chat"))
        #expect(request.lane == "id:r1")
        #expect(request.shape == FrameShape(style: .envelope(prefix: "chat", id: "r1")))
        #expect(try json(request.body) == ["model": "m", "messages": [], "stream": true])
    }

    @Test(arguments: [
        (#"{"type":"chat.request","id":"r1"}"#, "request"),
        (#"{"type":"chat.request","id":"","request":{}}"#, "id"),
        (#"{"type":"chat.chunk","id":"r1","request":{}}"#, "type"),
        (#"{"id":"r1","request":{}}"#, "type"),
    ])
    func envelopeMessagesWithoutARequestAreRefusedWithTheirID(message: String, param: String) {
        #expect {
            try FrameRequest.read(Array(message.utf8), framing: .envelope(prefix: "chat"))
        } throws: { error in
            guard let refusal = error as? FrameRefusal else { return false }
            return refusal.error.status == 400 && refusal.error.param == param && refusal.shape.framesReplyErrors
        }
    }

    @Test func messagesAreShapedForTheirFraming() throws {
        let event = Array(#"{"type":"response.created","sequence_number":0}"#.utf8)
        #expect(FrameShape(style: .events(streamID: nil)).message(event) == event)
        let laned = FrameShape(style: .events(streamID: "a")).message(event)
        #expect(try json(laned) == ["stream_id": "a", "type": "response.created", "sequence_number": 0])
        #expect(try json(FrameShape(style: .events(streamID: "a")).message(Array("{}".utf8))) == ["stream_id": "a"])

        let envelope = FrameShape(style: .envelope(prefix: "chat", id: "r1"))
        #expect(try json(envelope.message(Array(#"{"k":1}"#.utf8))) == ["type": "chat.chunk", "id": "r1", "chunk": ["k": 1]])
        #expect(try json(envelope.done ?? []) == ["type": "chat.done", "id": "r1"])
        #expect(FrameShape(style: .events(streamID: nil)).done == nil)

        let limited = ReplyError(
            status: 429, message: "slow down", type: "requests", code: "rate_limit_exceeded", retryAfterMilliseconds: 20)
        #expect(
            try json(envelope.error(limited)) == [
                "type": "error", "id": "r1", "status": 429,
                "error": [
                    "type": "requests", "code": "rate_limit_exceeded", "message": "slow down", "param": nil,
                    "headers": ["retry-after-ms": "20"],
                ],
            ])
    }

    @Test func anEnvelopedReplyEndsAtItsErrorWithoutDone() throws {
        var encoding = FrameEncoding(
            encoder: ServerSentEventFrames(EchoStream()), shape: FrameShape(style: .envelope(prefix: "chat", id: "r1")))
        var batch: [[UInt8]] = []
        encoding.start(into: &batch)
        encoding.encode(.text("one"), choice: 0, into: &batch)
        encoding.encode(.error(ReplyError(status: 503, message: "down", type: "server_error")), choice: 0, into: &batch)
        encoding.encode(.text("two"), choice: 0, into: &batch)
        encoding.finish(into: &batch)
        let types = try batch.map { try json($0)["type"]?.stringValue }
        #expect(types == ["chat.chunk", "error"])
    }
}

/// Writes each text event as an SSE event carrying the text as a JSON string, and `[DONE]` last.
private struct EchoStream: StreamEncoder {
    let contentType = "text/event-stream"
    mutating func start() -> [UInt8] { [] }
    mutating func encode(_ event: ReplyEvent, choice: Int) -> [UInt8] {
        guard case .text(let text) = event else { return [] }
        var bytes = Array("data: ".utf8)
        JSONWriter.appendString(text, to: &bytes)
        return bytes + Array("\n\n".utf8)
    }
    mutating func finish() -> [UInt8] { Array("data: [DONE]\n\n".utf8) }
}
