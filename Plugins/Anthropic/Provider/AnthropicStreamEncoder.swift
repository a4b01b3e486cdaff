import LyrebirdPluginAPI

/// Writes the Messages event stream (wire-format.md §8.3): `message_start`, `ping`, one content
/// block per run of text and per tool call (`content_block_start`, deltas, `content_block_stop`),
/// then `message_delta` with the stop reason and usage, and `message_stop`. Every event has an
/// `event:` line naming its type.
struct AnthropicStreamEncoder: StreamEncoder {
    let contentType = "text/event-stream"
    private let context: ReplyContext
    /// The live API sends its request id as `request-id` on streams too (the SDKs expose it as
    /// `_request_id`); it is the host's request id, as on whole replies and errors.
    var headers: [Header] { [Header(name: "request-id", value: context.requestID)] }

    /// The index of the next content block.
    private var nextBlock = 0
    /// The open block: its index, and the tool call it holds (`nil` for text).
    private var openBlock: (index: Int, toolCall: Int?)?
    /// The block index of each tool call.
    private var toolBlocks: [Int: Int] = [:]
    private var stopReason: FinishReason?
    private var ended = false

    init(context: ReplyContext) {
        self.context = context
    }

    mutating func start() -> [UInt8] {
        var message = JSONWriter(reservingCapacity: 320)
        message.object { writer in
            writer.member("type", "message_start")
            writer.key("message")
            AnthropicMessageWriter.writeMessage(
                into: &writer, id: AnthropicMessageWriter.messageID(context), model: context.model, write: { _ in }, stopReason: nil,
                usage: { writer in
                    writer.object { writer in
                        writer.member("input_tokens", context.promptTokens)
                        writer.member("cache_creation_input_tokens", 0)
                        writer.member("cache_read_input_tokens", 0)
                        writer.member("output_tokens", 1)
                    }
                })
        }
        return Self.event("message_start", message.bytes) + Self.event("ping", Array(#"{"type":"ping"}"#.utf8))
    }

    mutating func encode(_ event: ReplyEvent, choice: Int) -> [UInt8] {
        // Messages have no choices; the host never asks for more than one.
        guard choice == 0, !ended else { return [] }
        switch event {
        case .text(let text):
            var bytes: [UInt8] = []
            if openBlock == nil || openBlock?.toolCall != nil {
                bytes += closeBlock()
                bytes += openBlock(toolCall: nil) { writer in
                    writer.member("type", "text")
                    writer.member("text", "")
                }
            }
            return bytes
                + delta(openBlock!.index) { writer in
                    writer.member("type", "text_delta")
                    writer.member("text", text)
                }
        case .toolCallStart(let index, let id, let name):
            var bytes = closeBlock()
            bytes += openBlock(toolCall: index) { writer in
                writer.member("type", "tool_use")
                writer.member("id", id)
                writer.member("name", name)
                writer.member("input", object: { _ in })
            }
            // The live API opens every tool input with an empty fragment.
            return bytes + inputDelta(openBlock!.index, "")
        case .toolCallArguments(let index, let fragment):
            guard let block = toolBlocks[index] else { return [] }
            return inputDelta(block, fragment)
        case .finish(let reason):
            stopReason = reason
            return closeBlock()
        case .usage(let usage):
            return messageEnd(outputTokens: usage.completionTokens)
        case .error(let error):
            ended = true
            var writer = JSONWriter()
            writer.object { writer in
                writer.member("type", "error")
                writer.key("error")
                AnthropicErrorEncoding.writeError(error, into: &writer)
            }
            return Self.event("error", writer.bytes)
        case .embedding, .reasoning, .redactedReasoning:
            // Messages have no embeddings.
            return []
        }
    }

    mutating func finish() -> [UInt8] {
        // The host sends usage last; should it not, the message still ends properly.
        ended ? [] : messageEnd(outputTokens: 0)
    }

    // MARK: Events

    private mutating func messageEnd(outputTokens: Int) -> [UInt8] {
        var bytes = closeBlock()
        ended = true
        var writer = JSONWriter()
        writer.object { writer in
            writer.member("type", "message_delta")
            writer.member(
                "delta",
                object: { writer in
                    writer.member("stop_reason", AnthropicMessageWriter.stopReason(stopReason ?? .stop))
                    writer.nullMember("stop_sequence")
                })
            writer.member("usage", object: { writer in writer.member("output_tokens", outputTokens) })
        }
        bytes += Self.event("message_delta", writer.bytes)
        bytes += Self.event("message_stop", Array(#"{"type":"message_stop"}"#.utf8))
        return bytes
    }

    private mutating func openBlock(toolCall: Int?, _ contentBlock: (inout JSONWriter) -> Void) -> [UInt8] {
        let index = nextBlock
        nextBlock += 1
        openBlock = (index, toolCall)
        if let toolCall { toolBlocks[toolCall] = index }
        var writer = JSONWriter()
        writer.object { writer in
            writer.member("type", "content_block_start")
            writer.member("index", index)
            writer.member("content_block", object: contentBlock)
        }
        return Self.event("content_block_start", writer.bytes)
    }

    private mutating func closeBlock() -> [UInt8] {
        guard let block = openBlock else { return [] }
        openBlock = nil
        var writer = JSONWriter()
        writer.object { writer in
            writer.member("type", "content_block_stop")
            writer.member("index", block.index)
        }
        return Self.event("content_block_stop", writer.bytes)
    }

    private func delta(_ index: Int, _ body: (inout JSONWriter) -> Void) -> [UInt8] {
        var writer = JSONWriter()
        writer.object { writer in
            writer.member("type", "content_block_delta")
            writer.member("index", index)
            writer.member("delta", object: body)
        }
        return Self.event("content_block_delta", writer.bytes)
    }

    private func inputDelta(_ index: Int, _ fragment: String) -> [UInt8] {
        delta(index) { writer in
            writer.member("type", "input_json_delta")
            writer.member("partial_json", fragment)
        }
    }

    /// `event: <name>`, `data: <payload>` and a blank line.
    static func event(_ name: String, _ payload: [UInt8]) -> [UInt8] {
        var bytes = Array("event: \(name)\ndata: ".utf8)
        bytes += payload
        bytes += [0x0A, 0x0A]
        return bytes
    }
}
