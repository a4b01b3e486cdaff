import LyrebirdPluginAPI

/// Writes the Messages event stream as Server-Sent Events: every event of
/// ``AnthropicStreamEvents`` with an `event:` line naming its type and a `data:` line.
struct AnthropicStreamEncoder: StreamEncoder {
    let contentType = "text/event-stream"
    private var events: AnthropicStreamEvents
    /// The live API sends its request id as `request-id` on streams too (the SDKs expose it as
    /// `_request_id`); it is the host's request id, as on whole replies and errors.
    var headers: [Header] { [Header(name: "request-id", value: events.context.requestID)] }

    init(context: ReplyContext, thinking: AnthropicThinking) {
        events = AnthropicStreamEvents(context: context, thinking: thinking)
    }

    mutating func start() -> [UInt8] { Self.frame(events.start()) }

    mutating func encode(_ event: ReplyEvent, choice: Int) -> [UInt8] {
        Self.frame(events.events(for: event, choice: choice))
    }

    mutating func finish() -> [UInt8] { Self.frame(events.finish()) }

    private static func frame(_ events: [AnthropicStreamEvent]) -> [UInt8] {
        var bytes: [UInt8] = []
        for event in events { bytes += Self.event(event.name, event.data) }
        return bytes
    }

    /// `event: <name>`, `data: <payload>` and a blank line.
    static func event(_ name: String, _ payload: [UInt8]) -> [UInt8] {
        var bytes = Array("event: \(name)\ndata: ".utf8)
        bytes += payload
        bytes += [0x0A, 0x0A]
        return bytes
    }
}
