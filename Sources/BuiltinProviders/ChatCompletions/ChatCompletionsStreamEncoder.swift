import LyrebirdPluginAPI

/// Writes `chat.completion.chunk` events: a role chunk first for each choice, tool call ids and
/// names only in their first fragment, a finish chunk per choice, the usage chunk when asked,
/// then `data: [DONE]`.
struct ChatCompletionsStreamEncoder: StreamEncoder {
    let contentType = "text/event-stream"
    private let prefix: [UInt8]
    private let includeUsage: Bool
    private var choicesWithRole = Set<Int>()
    private var failed = false

    init(context: ReplyContext, includeUsage: Bool) {
        self.includeUsage = includeUsage
        var writer = JSONWriter()
        // The members every chunk shares, written once; each chunk appends its choices.
        writer.object { writer in
            writer.member("id", "chatcmpl-" + context.idSuffix)
            writer.member("object", "chat.completion.chunk")
            writer.member("created", context.created)
            writer.member("model", context.model)
            writer.member("system_fingerprint", context.systemFingerprint)
        }
        prefix = Array(writer.bytes.dropLast())
    }

    mutating func start() -> [UInt8] { [] }

    mutating func encode(_ event: ReplyEvent, choice: Int) -> [UInt8] {
        switch event {
        case .text(let text):
            return chunk(choice: choice) { writer in writer.member("content", text) }
        case .toolCallStart(let index, let id, let name):
            return chunk(choice: choice, nullContent: true) { writer in
                writer.member(
                    "tool_calls",
                    array: { writer in
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
                    })
            }
        case .toolCallArguments(let index, let fragment):
            return chunk(choice: choice) { writer in
                writer.member(
                    "tool_calls",
                    array: { writer in
                        writer.object { writer in
                            writer.member("index", index)
                            writer.member("function", object: { writer in writer.member("arguments", fragment) })
                        }
                    })
            }
        case .finish(let reason):
            var bytes: [UInt8] = []
            if !choicesWithRole.contains(choice) {
                bytes = chunk(choice: choice) { writer in writer.member("content", "") }
            }
            return bytes + chunk(choice: choice, finishReason: reason) { _ in }
        case .usage(let usage):
            guard includeUsage else { return [] }
            var usageWriter = JSONWriter()
            ChatCompletionsProvider.writeUsage(usage, into: &usageWriter)
            var bytes = prefix
            bytes += Array(",\"choices\":[],\"usage\":".utf8)
            bytes += usageWriter.bytes
            bytes.append(UInt8(ascii: "}"))
            return ServerSentEvents.data(bytes)
        case .error(let error):
            failed = true
            return ServerSentEvents.data(OpenAIErrorEncoding.body(for: error))
        }
    }

    mutating func finish() -> [UInt8] {
        failed ? [] : ServerSentEvents.done
    }

    /// One chunk for one choice; the first chunk of a choice also carries the role.
    private mutating func chunk(
        choice: Int,
        nullContent: Bool = false,
        finishReason: FinishReason? = nil,
        delta: (inout JSONWriter) -> Void
    ) -> [UInt8] {
        let firstForChoice = choicesWithRole.insert(choice).inserted && finishReason == nil
        var bytes = prefix
        var writer = JSONWriter(reservingCapacity: 128)
        writer.object { writer in
            writer.member("index", choice)
            writer.member(
                "delta",
                object: { writer in
                    if firstForChoice {
                        writer.member("role", "assistant")
                        if nullContent { writer.nullMember("content") }
                        writer.nullMember("refusal")
                    }
                    delta(&writer)
                })
            writer.nullMember("logprobs")
            writer.member("finish_reason", finishReason?.rawValue)
        }
        bytes += Array(",\"choices\":[".utf8)
        bytes += writer.bytes
        bytes += Array("]}".utf8)
        return ServerSentEvents.data(bytes)
    }
}
