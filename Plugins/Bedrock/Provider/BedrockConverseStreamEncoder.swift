import LyrebirdAnthropicProvider
import LyrebirdPluginAPI

/// Writes ConverseStream's event stream (`application/vnd.amazon.eventstream`): `messageStart`,
/// then per content block an optional `contentBlockStart` (tool use only), its
/// `contentBlockDelta`s and a `contentBlockStop`, then `messageStop` with the stop reason and
/// `metadata` with the usage and metrics. Shown reasoning comes first: a block of
/// `reasoningContent` text deltas ending with its `signature`, and a block per redacted piece.
/// A failure part way is an exception message (`throttlingException`,
/// `modelStreamErrorException`, ...), which the client raises.
struct BedrockConverseStreamEncoder: StreamEncoder {
    let contentType = "application/vnd.amazon.eventstream"
    private let context: ReplyContext
    private let reasoning: AnthropicThinking
    var headers: [Header] { [Header(name: "x-amzn-RequestId", value: context.requestID)] }

    /// What a content block holds.
    private enum Block: Equatable {
        case text
        case toolCall(Int)
        /// Reasoning, and its text so far, which its signature is made from.
        case reasoning(String)
        case redactedReasoning
    }

    /// The index of the next content block.
    private var nextBlock = 0
    /// The open block: its index and what it holds.
    private var openBlock: (index: Int, block: Block)?
    /// The block index of each tool call.
    private var toolBlocks: [Int: Int] = [:]
    private var stopped = false
    private var ended = false

    init(context: ReplyContext, reasoning: AnthropicThinking) {
        self.context = context
        self.reasoning = reasoning
    }

    mutating func start() -> [UInt8] {
        var writer = JSONWriter()
        writer.object { writer in writer.member("role", "assistant") }
        return EventStreamMessage.event("messageStart", payload: writer.bytes).bytes
    }

    mutating func encode(_ event: ReplyEvent, choice: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        encode(event, choice: choice, into: &bytes)
        return bytes
    }

    mutating func encode(_ event: ReplyEvent, choice: Int, into buffer: inout [UInt8]) {
        // Converse has no choices; the host never asks for more than one.
        guard choice == 0, !ended else { return }
        switch event {
        case .text(let text):
            if openBlock?.block != .text { openBlock(.text, into: &buffer) }
            let index = openBlock!.index
            for piece in BedrockPieces.split(text) {
                delta(index, into: &buffer) { writer in writer.member("text", piece) }
            }
        case .reasoning(let text):
            guard reasoning != .hidden else { return }
            if case .reasoning(let sofar)? = openBlock?.block {
                openBlock?.block = .reasoning(sofar + text)
            } else {
                openBlock(.reasoning(text), into: &buffer)
            }
            // Omitted reasoning keeps its block and signature, not its text.
            guard reasoning == .shown else { return }
            let index = openBlock!.index
            for piece in BedrockPieces.split(text) {
                reasoningDelta(index, into: &buffer) { writer in writer.member("text", piece) }
            }
        case .redactedReasoning(let data):
            guard reasoning != .hidden else { return }
            openBlock(.redactedReasoning, into: &buffer)
            reasoningDelta(openBlock!.index, into: &buffer) { writer in
                writer.member("redactedContent", BedrockReasoning.redactedContent(data))
            }
            closeBlock(into: &buffer)
        case .toolCallStart(let index, let id, let name):
            openBlock(.toolCall(index), into: &buffer)
            let block = openBlock!.index
            var writer = JSONWriter()
            writer.object { writer in
                writer.member(
                    "start",
                    object: { writer in
                        writer.member(
                            "toolUse",
                            object: { writer in
                                writer.member("toolUseId", id)
                                writer.member("name", name)
                            })
                    })
                writer.member("contentBlockIndex", block)
            }
            EventStreamMessage.event("contentBlockStart", payload: writer.bytes).encode(into: &buffer)
        case .toolCallArguments(let index, let fragment):
            guard let block = toolBlocks[index] else { return }
            for piece in BedrockPieces.split(fragment) {
                delta(block, into: &buffer) { writer in writer.member("toolUse", object: { writer in writer.member("input", piece) }) }
            }
        case .finish(let reason):
            closeBlock(into: &buffer)
            stop(reason, into: &buffer)
        case .usage(let usage):
            end(usage, into: &buffer)
        case .error(let error):
            ended = true
            BedrockErrors.streamException(for: error, operation: BedrockProvider.converseStream).encode(into: &buffer)
        case .embedding:
            // Converse has no embeddings.
            return
        }
    }

    mutating func finish() -> [UInt8] {
        // The host sends usage last; should it not, the stream still ends with a stop and metadata.
        var bytes: [UInt8] = []
        if !ended { end(Usage(promptTokens: context.promptTokens, completionTokens: 0), into: &bytes) }
        return bytes
    }

    // MARK: Events

    /// Closes the open block and opens a new one holding `block`.
    private mutating func openBlock(_ block: Block, into buffer: inout [UInt8]) {
        closeBlock(into: &buffer)
        openBlock = (nextBlock, block)
        if case .toolCall(let call) = block { toolBlocks[call] = nextBlock }
        nextBlock += 1
    }

    /// Closes the open block; a reasoning block sends its signature first.
    private mutating func closeBlock(into buffer: inout [UInt8]) {
        guard let block = openBlock else { return }
        openBlock = nil
        if case .reasoning(let text) = block.block {
            reasoningDelta(block.index, into: &buffer) { writer in writer.member("signature", AnthropicThinking.signature(of: text)) }
        }
        var writer = JSONWriter()
        writer.object { writer in writer.member("contentBlockIndex", block.index) }
        EventStreamMessage.event("contentBlockStop", payload: writer.bytes).encode(into: &buffer)
    }

    private mutating func stop(_ reason: FinishReason, into buffer: inout [UInt8]) {
        guard !stopped else { return }
        stopped = true
        var writer = JSONWriter()
        writer.object { writer in writer.member("stopReason", BedrockConverseWriter.stopReason(reason)) }
        EventStreamMessage.event("messageStop", payload: writer.bytes).encode(into: &buffer)
    }

    /// `messageStop` (when the finish did not send it), then `metadata`: nothing follows.
    private mutating func end(_ usage: Usage, into buffer: inout [UInt8]) {
        closeBlock(into: &buffer)
        stop(.stop, into: &buffer)
        ended = true
        var writer = JSONWriter()
        writer.object { writer in
            writer.key("usage")
            BedrockConverseWriter.writeUsage(usage, into: &writer)
            writer.key("metrics")
            BedrockConverseWriter.writeMetrics(context, into: &writer)
        }
        EventStreamMessage.event("metadata", payload: writer.bytes).encode(into: &buffer)
    }

    private func delta(_ index: Int, into buffer: inout [UInt8], _ body: (inout JSONWriter) -> Void) {
        var writer = JSONWriter()
        writer.object { writer in
            writer.member("delta", object: body)
            writer.member("contentBlockIndex", index)
        }
        EventStreamMessage.event("contentBlockDelta", payload: writer.bytes).encode(into: &buffer)
    }

    private func reasoningDelta(_ index: Int, into buffer: inout [UInt8], _ body: (inout JSONWriter) -> Void) {
        delta(index, into: &buffer) { writer in writer.member("reasoningContent", object: body) }
    }
}
