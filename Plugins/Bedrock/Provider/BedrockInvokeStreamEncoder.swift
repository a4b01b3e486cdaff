import Foundation
import LyrebirdAnthropicProvider
import LyrebirdPluginAPI

/// Writes InvokeModelWithResponseStream's answer to an Anthropic body: each event of the
/// Messages stream (but `ping`, which Bedrock does not pass on) as a `chunk` event-stream
/// message whose payload is `{"bytes": "<the event's JSON, base64>"}`. The last,
/// `message_stop`, carries `amazon-bedrock-invocationMetrics` as Bedrock's does. A failure part
/// way is an exception message, as for ConverseStream.
struct BedrockInvokeStreamEncoder: StreamEncoder {
    let contentType = "application/vnd.amazon.eventstream"
    private let context: ReplyContext
    private var events: AnthropicStreamEvents
    private var usage: Usage?
    /// Milliseconds from the request to the first event after `message_start`.
    private var firstByteLatency: Int?
    private var failed = false

    var headers: [Header] {
        [
            Header(name: "x-amzn-RequestId", value: context.requestID),
            Header(name: "X-Amzn-Bedrock-Content-Type", value: "application/json"),
        ]
    }

    init(context: ReplyContext, thinking: AnthropicThinking) {
        self.context = context
        events = AnthropicStreamEvents(context: context, thinking: thinking, messageID: BedrockInvokeWriter.messageID(context))
    }

    mutating func start() -> [UInt8] {
        var bytes: [UInt8] = []
        chunks(events.start(), into: &bytes)
        return bytes
    }

    mutating func encode(_ event: ReplyEvent, choice: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        encode(event, choice: choice, into: &bytes)
        return bytes
    }

    mutating func encode(_ event: ReplyEvent, choice: Int, into buffer: inout [UInt8]) {
        guard !failed, !events.ended else { return }
        switch event {
        case .error(let error):
            failed = true
            BedrockErrors.streamException(for: error, operation: BedrockProvider.invokeStream).encode(into: &buffer)
        case .text(let text):
            for piece in BedrockPieces.split(text) { chunks(events.events(for: .text(piece), choice: choice), into: &buffer) }
        case .toolCallArguments(let index, let fragment):
            for piece in BedrockPieces.split(fragment) {
                chunks(events.events(for: .toolCallArguments(index: index, fragment: piece), choice: choice), into: &buffer)
            }
        case .usage(let usage):
            self.usage = usage
            chunks(events.events(for: event, choice: choice), into: &buffer)
        default:
            chunks(events.events(for: event, choice: choice), into: &buffer)
        }
    }

    mutating func finish() -> [UInt8] {
        var bytes: [UInt8] = []
        if !failed { chunks(events.finish(), into: &bytes) }
        return bytes
    }

    // MARK: Chunks

    private mutating func chunks(_ events: [AnthropicStreamEvent], into buffer: inout [UInt8]) {
        for event in events where event.name != "ping" {
            if firstByteLatency == nil && event.name != "message_start" {
                firstByteLatency = BedrockClock.millisecondsSince(context)
            }
            let data = event.name == "message_stop" ? messageStop() : event.data
            var writer = JSONWriter(reservingCapacity: data.count * 4 / 3 + 16)
            writer.object { writer in writer.member("bytes", Data(data).base64EncodedString()) }
            EventStreamMessage.event("chunk", payload: writer.bytes).encode(into: &buffer)
        }
    }

    /// `message_stop` with the invocation's metrics: its token counts and latencies.
    private func messageStop() -> [UInt8] {
        let latency = BedrockClock.millisecondsSince(context)
        var writer = JSONWriter()
        writer.object { writer in
            writer.member("type", "message_stop")
            writer.member(
                "amazon-bedrock-invocationMetrics",
                object: { writer in
                    writer.member("inputTokenCount", usage?.promptTokens ?? context.promptTokens)
                    writer.member("outputTokenCount", usage?.completionTokens ?? 0)
                    writer.member("invocationLatency", latency)
                    writer.member("firstByteLatency", firstByteLatency ?? latency)
                })
        }
        return writer.bytes
    }
}
