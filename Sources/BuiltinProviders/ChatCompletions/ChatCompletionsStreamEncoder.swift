import LyrebirdPluginAPI

/// Writes `chat.completion.chunk` events: a role chunk first for each choice, tool call ids and
/// names only in their first fragment, a finish chunk per choice, the usage chunk when asked,
/// then `data: [DONE]`.
///
/// Every chunk starts with the same members (`id`, `object`, `created`, `model`,
/// `system_fingerprint`), written once; a chunk appends its choice to them in place.
///
/// When the request asks for log probabilities, each content chunk carries those of its own
/// text, numbered on from the chunks of its choice before it.
struct ChatCompletionsStreamEncoder: StreamEncoder {
    let contentType = "text/event-stream"
    /// `data: {"id":...,"system_fingerprint":"..."` without the closing brace.
    private let head: [UInt8]
    private let includeUsage: Bool
    /// The number of `top_logprobs` per token, or `nil` when the request wants no log probabilities.
    private let logprobs: Int?
    /// Which choices have had their first chunk (the one with the role), by index.
    private var choicesWithRole: [Bool] = []
    /// Each choice's chunks up to its delta's members: `head`, then `,"choices":[{"index":N,"delta":{`.
    private var choicePrefixes: [[UInt8]] = []
    /// Tokens sent so far per choice, when log probabilities are sent.
    private var tokensSent: [Int: Int] = [:]
    private var failed = false
    private var volume = LogprobsVolume()

    init(context: ReplyContext, includeUsage: Bool, logprobs: Int?) {
        self.includeUsage = includeUsage
        self.logprobs = logprobs
        var writer = JSONWriter()
        writer.object { writer in
            writer.member("id", "chatcmpl-" + context.idSuffix)
            writer.member("object", "chat.completion.chunk")
            writer.member("created", context.created)
            writer.member("model", context.model)
            writer.member("system_fingerprint", context.systemFingerprint)
        }
        head = Array("data: ".utf8) + writer.bytes.dropLast()
    }

    mutating func start() -> [UInt8] { [] }

    mutating func encode(_ event: ReplyEvent, choice: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        encode(event, choice: choice, into: &bytes)
        return bytes
    }

    mutating func encode(_ event: ReplyEvent, choice: Int, into bytes: inout [UInt8]) {
        // Nothing follows an error: a stream that ran past its log probabilities ends there.
        guard !failed else { return }
        switch event {
        case .text(let text):
            if let top = logprobs, !volume.admit(text[...], top: top) {
                encode(.error(LogprobsVolume.exceeded), choice: choice, into: &bytes)
                return
            }
            let textLogprobs = logprobs.map { top in logprobsMember(text, choice: choice, top: top) }
            chunk(choice: choice, logprobs: textLogprobs, into: &bytes) { bytes in
                bytes += Self.contentKey
                JSONWriter.appendString(text, to: &bytes)
            }
        case .toolCallStart(let index, let id, let name):
            chunk(choice: choice, nullContent: true, into: &bytes) { bytes in
                var writer = JSONWriter(reservingCapacity: 96)
                writer.array { writer in
                    writer.object { writer in
                        writer.member("index", index)
                        writer.member("id", id)
                        writer.member("type", "function")
                        writer.member(
                            "function",
                            object: { writer in
                                writer.member("name", name)
                                writer.member("arguments", "")
                            })
                    }
                }
                bytes += Self.toolCallsKey
                bytes += writer.bytes
            }
        case .toolCallArguments(let index, let fragment):
            chunk(choice: choice, into: &bytes) { bytes in
                var writer = JSONWriter(reservingCapacity: 64)
                writer.array { writer in
                    writer.object { writer in
                        writer.member("index", index)
                        writer.member("function", object: { writer in writer.member("arguments", fragment) })
                    }
                }
                bytes += Self.toolCallsKey
                bytes += writer.bytes
            }
        case .finish(let reason):
            if !(choicesWithRole.indices.contains(choice) && choicesWithRole[choice]) {
                chunk(choice: choice, into: &bytes) { bytes in
                    bytes += Self.contentKey
                    bytes += Self.emptyString
                }
            }
            chunk(choice: choice, finishReason: reason, into: &bytes) { _ in }
        case .usage(let usage):
            guard includeUsage else { return }
            var usageWriter = JSONWriter()
            ChatCompletionsProvider.writeUsage(usage, into: &usageWriter)
            bytes += head
            bytes += Array(",\"choices\":[],\"usage\":".utf8)
            bytes += usageWriter.bytes
            bytes += Self.chunkEnd
        case .error(let error):
            failed = true
            bytes += ServerSentEvents.data(OpenAIErrorEncoding.body(for: error))
        case .embedding, .reasoning, .redactedReasoning:
            // Chat replies have no embeddings, and OpenAI's chat completions show no reasoning:
            // only its tokens, in the usage.
            return
        }
    }

    mutating func finish() -> [UInt8] {
        failed ? [] : ServerSentEvents.done
    }

    private static let contentKey = Array("\"content\":".utf8)
    private static let toolCallsKey = Array("\"tool_calls\":".utf8)
    private static let emptyString = Array("\"\"".utf8)
    private static let choicesStart = Array(",\"choices\":[{\"index\":".utf8)
    private static let deltaStart = Array(",\"delta\":{".utf8)
    private static let roleMembers = Array("\"role\":\"assistant\",".utf8)
    private static let nullContentMember = Array("\"content\":null,".utf8)
    private static let nullRefusalMember = Array("\"refusal\":null,".utf8)
    private static let deltaEnd = Array("},\"logprobs\":".utf8)
    private static let finishReasonKey = Array(",\"finish_reason\":".utf8)
    private static let null = Array("null".utf8)
    private static let choicesEnd = Array("}]".utf8)
    /// `}` closing the chunk, then the blank line that ends the event.
    private static let chunkEnd = Array("}\n\n".utf8)
    /// The end of a chunk with neither log probabilities nor a finish reason.
    private static let plainEnd = Array("},\"logprobs\":null,\"finish_reason\":null}]}\n\n".utf8)

    /// Appends one chunk for one choice; the first chunk of a choice also carries the role.
    /// `delta` appends the delta's own members; it always has some when the chunk is the first
    /// of its choice, which is never a finish chunk.
    private mutating func chunk(
        choice: Int,
        nullContent: Bool = false,
        finishReason: FinishReason? = nil,
        logprobs: [UInt8]? = nil,
        into bytes: inout [UInt8],
        delta: (inout [UInt8]) -> Void
    ) {
        if choicesWithRole.count <= choice {
            for index in choicesWithRole.count...choice {
                choicesWithRole.append(false)
                choicePrefixes.append(head + Self.choicesStart + Array(String(index).utf8) + Self.deltaStart)
            }
        }
        let firstForChoice = !choicesWithRole[choice] && finishReason == nil
        choicesWithRole[choice] = true
        bytes += choicePrefixes[choice]
        if firstForChoice {
            bytes += Self.roleMembers
            if nullContent { bytes += Self.nullContentMember }
            bytes += Self.nullRefusalMember
        }
        delta(&bytes)
        if logprobs == nil && finishReason == nil {
            // Most chunks: text, nothing else.
            bytes += Self.plainEnd
            return
        }
        bytes += Self.deltaEnd
        bytes += logprobs ?? Self.null
        bytes += Self.finishReasonKey
        if let finishReason {
            JSONWriter.appendString(finishReason.rawValue, to: &bytes)
        } else {
            bytes += Self.null
        }
        bytes += Self.choicesEnd
        bytes += Self.chunkEnd
    }

    /// `{"content":[...],"refusal":null}` for the tokens of `text`, the next of `choice`.
    private mutating func logprobsMember(_ text: String, choice: Int, top: Int) -> [UInt8] {
        let tokens = TokenLogprobs.tokens(of: text[...], from: tokensSent[choice, default: 0], top: top)
        tokensSent[choice, default: 0] += tokens.count
        var writer = JSONWriter(reservingCapacity: 64 + tokens.count * (48 + top * 40))
        writer.object { writer in
            writer.key("content")
            TokenLogprobs.writeContent(tokens, into: &writer)
            writer.nullMember("refusal")
        }
        return writer.bytes
    }
}
