import LyrebirdPluginAPI

/// One event of the Messages stream: its name (`content_block_delta`) and its JSON data.
package struct AnthropicStreamEvent: Sendable, Hashable {
    /// The event's `type`, which the SSE `event:` line repeats.
    package let name: String
    /// The event's JSON object.
    package let data: [UInt8]

    package init(name: String, data: [UInt8]) {
        self.name = name
        self.data = data
    }
}

/// The Messages event stream (wire-format.md §8.3) as events, without their framing:
/// `message_start`, `ping`, one content block per run of reasoning (`thinking`, its signature
/// in a `signature_delta` before it stops), per redacted reasoning, per run of text and per tool
/// call (`content_block_start`, deltas, `content_block_stop`), then `message_delta` with the stop
/// reason and usage, and `message_stop`. The SSE encoder frames them as `event:`/`data:` lines;
/// Bedrock's `InvokeModelWithResponseStream` wraps each in an event-stream message.
package struct AnthropicStreamEvents: Sendable {
    package let context: ReplyContext
    private let messageID: String
    private let thinking: AnthropicThinking

    /// What a content block holds.
    private enum Block: Equatable {
        case text
        case toolCall(Int)
        /// Reasoning, and the text so far, which its signature is made from.
        case thinking(String)
    }

    /// The index of the next content block.
    private var nextBlock = 0
    /// The open block: its index and what it holds.
    private var openBlock: (index: Int, block: Block)?
    /// The block index of each tool call.
    private var toolBlocks: [Int: Int] = [:]
    private var stopReason: FinishReason?
    /// Whether the message ended (`message_stop` or an error was sent): nothing follows.
    package private(set) var ended = false

    /// - Parameter messageID: The message's `id`; Anthropic's own is `msg_<suffix>`.
    package init(context: ReplyContext, thinking: AnthropicThinking, messageID: String? = nil) {
        self.context = context
        self.thinking = thinking
        self.messageID = messageID ?? AnthropicMessageWriter.messageID(context)
    }

    /// `message_start`, with the prompt's tokens, and a `ping`.
    package mutating func start() -> [AnthropicStreamEvent] {
        var message = JSONWriter(reservingCapacity: 320)
        message.object { writer in
            writer.member("type", "message_start")
            writer.key("message")
            AnthropicMessageWriter.writeMessage(
                into: &writer, id: messageID, model: context.model, write: { _ in }, stopReason: nil,
                usage: { writer in
                    writer.object { writer in
                        writer.member("input_tokens", context.promptTokens)
                        writer.member("cache_creation_input_tokens", 0)
                        writer.member("cache_read_input_tokens", 0)
                        writer.member("output_tokens", 1)
                    }
                })
        }
        return [
            AnthropicStreamEvent(name: "message_start", data: message.bytes),
            AnthropicStreamEvent(name: "ping", data: Array(#"{"type":"ping"}"#.utf8)),
        ]
    }

    /// The events one reply event becomes.
    package mutating func events(for event: ReplyEvent, choice: Int) -> [AnthropicStreamEvent] {
        // Messages have no choices; the host never asks for more than one.
        guard choice == 0, !ended else { return [] }
        switch event {
        case .text(let text):
            var events: [AnthropicStreamEvent] = []
            if openBlock?.block != .text {
                events += closeBlock()
                events.append(
                    openBlock(.text) { writer in
                        writer.member("type", "text")
                        writer.member("text", "")
                    })
            }
            events.append(
                delta(openBlock!.index) { writer in
                    writer.member("type", "text_delta")
                    writer.member("text", text)
                })
            return events
        case .toolCallStart(let index, let id, let name):
            var events = closeBlock()
            events.append(
                openBlock(.toolCall(index)) { writer in
                    writer.member("type", "tool_use")
                    writer.member("id", id)
                    writer.member("name", name)
                    writer.member("input", object: { _ in })
                })
            // The live API opens every tool input with an empty fragment.
            events.append(inputDelta(openBlock!.index, ""))
            return events
        case .toolCallArguments(let index, let fragment):
            guard let block = toolBlocks[index] else { return [] }
            return [inputDelta(block, fragment)]
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
            return [AnthropicStreamEvent(name: "error", data: writer.bytes)]
        case .reasoning(let text):
            guard thinking != .hidden else { return [] }
            var events: [AnthropicStreamEvent] = []
            if case .thinking(let sofar)? = openBlock?.block {
                openBlock?.block = .thinking(sofar + text)
            } else {
                events += closeBlock()
                events.append(
                    openBlock(.thinking(text)) { writer in
                        writer.member("type", "thinking")
                        writer.member("thinking", "")
                        writer.member("signature", "")
                    })
            }
            // Omitted thinking keeps its block and signature, not its text.
            guard thinking == .shown else { return events }
            events.append(
                delta(openBlock!.index) { writer in
                    writer.member("type", "thinking_delta")
                    writer.member("thinking", text)
                })
            return events
        case .redactedReasoning(let data):
            guard thinking != .hidden else { return [] }
            var events = closeBlock()
            events.append(
                openBlock(.text) { writer in
                    writer.member("type", "redacted_thinking")
                    writer.member("data", data)
                })
            return events + closeBlock()
        case .embedding:
            // Messages have no embeddings.
            return []
        }
    }

    /// What ends a message the host ended without usage; nothing once it has ended.
    package mutating func finish() -> [AnthropicStreamEvent] {
        ended ? [] : messageEnd(outputTokens: 0)
    }

    // MARK: Events

    private mutating func messageEnd(outputTokens: Int) -> [AnthropicStreamEvent] {
        var events = closeBlock()
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
        events.append(AnthropicStreamEvent(name: "message_delta", data: writer.bytes))
        events.append(AnthropicStreamEvent(name: "message_stop", data: Array(#"{"type":"message_stop"}"#.utf8)))
        return events
    }

    private mutating func openBlock(_ block: Block, _ contentBlock: (inout JSONWriter) -> Void) -> AnthropicStreamEvent {
        let index = nextBlock
        nextBlock += 1
        openBlock = (index, block)
        if case .toolCall(let call) = block { toolBlocks[call] = index }
        var writer = JSONWriter()
        writer.object { writer in
            writer.member("type", "content_block_start")
            writer.member("index", index)
            writer.member("content_block", object: contentBlock)
        }
        return AnthropicStreamEvent(name: "content_block_start", data: writer.bytes)
    }

    private mutating func closeBlock() -> [AnthropicStreamEvent] {
        guard let block = openBlock else { return [] }
        openBlock = nil
        var events: [AnthropicStreamEvent] = []
        if case .thinking(let reasoning) = block.block {
            events.append(
                delta(block.index) { writer in
                    writer.member("type", "signature_delta")
                    writer.member("signature", AnthropicThinking.signature(of: reasoning))
                })
        }
        var writer = JSONWriter()
        writer.object { writer in
            writer.member("type", "content_block_stop")
            writer.member("index", block.index)
        }
        events.append(AnthropicStreamEvent(name: "content_block_stop", data: writer.bytes))
        return events
    }

    private func delta(_ index: Int, _ body: (inout JSONWriter) -> Void) -> AnthropicStreamEvent {
        var writer = JSONWriter()
        writer.object { writer in
            writer.member("type", "content_block_delta")
            writer.member("index", index)
            writer.member("delta", object: body)
        }
        return AnthropicStreamEvent(name: "content_block_delta", data: writer.bytes)
    }

    private func inputDelta(_ index: Int, _ fragment: String) -> AnthropicStreamEvent {
        delta(index) { writer in
            writer.member("type", "input_json_delta")
            writer.member("partial_json", fragment)
        }
    }
}
