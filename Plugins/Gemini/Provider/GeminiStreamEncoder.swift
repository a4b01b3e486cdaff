import LyrebirdPluginAPI

/// Writes `streamGenerateContent?alt=sse`: one `data: {GenerateContentResponse}` event per piece
/// of reasoning (a thought part, when the request asks for thoughts) and of text, with the
/// prompt's usage; a choice's function calls in one event when the choice
/// finishes (Gemini sends calls whole, never in fragments); and last an event in which every
/// candidate has its `finishReason` and the usage is complete. An error part way is a
/// `data: {"error": {...}}` event, which the client raises.
struct GeminiStreamEncoder: StreamEncoder {
    let contentType = "text/event-stream"
    private let context: ReplyContext
    private let choiceCount: Int
    /// Whether reasoning is sent, as thought parts.
    private let showingThoughts: Bool
    /// The calls of each choice not sent yet, by their canonical index.
    private var calls: [Int: [(index: Int, call: ToolCall)]] = [:]
    private var finishReasons: [Int: FinishReason] = [:]
    private var ended = false

    init(context: ReplyContext, choiceCount: Int, showingThoughts: Bool) {
        self.context = context
        self.choiceCount = choiceCount
        self.showingThoughts = showingThoughts
    }

    mutating func start() -> [UInt8] { [] }

    mutating func encode(_ event: ReplyEvent, choice: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        encode(event, choice: choice, into: &bytes)
        return bytes
    }

    mutating func encode(_ event: ReplyEvent, choice: Int, into buffer: inout [UInt8]) {
        guard !ended else { return }
        switch event {
        case .text(let text):
            sendCalls(of: choice, into: &buffer)
            chunk(into: &buffer) { writer in
                GeminiResponseWriter.writeCandidate(into: &writer, index: choice, finishReason: nil) { writer in
                    GeminiResponseWriter.writeText(text, into: &writer)
                }
            }
        case .toolCallStart(let index, let id, let name):
            calls[choice, default: []].append((index, ToolCall(id: id, name: name, arguments: "")))
        case .toolCallArguments(let index, let fragment):
            guard let position = calls[choice]?.firstIndex(where: { $0.index == index }) else { return }
            calls[choice]![position].call.arguments += fragment
        case .finish(let reason):
            sendCalls(of: choice, into: &buffer)
            finishReasons[choice] = reason
        case .usage(let usage):
            end(usage, into: &buffer)
        case .error(let error):
            ended = true
            Self.event(GeminiErrors.body(for: error), into: &buffer)
        case .reasoning(let text):
            guard showingThoughts else { return }
            chunk(into: &buffer) { writer in
                GeminiResponseWriter.writeCandidate(into: &writer, index: choice, finishReason: nil) { writer in
                    GeminiThoughts.writePart(text, into: &writer)
                }
            }
        case .embedding, .redactedReasoning:
            // Content generation has no embeddings, and Gemini no opaque reasoning.
            return
        }
    }

    mutating func finish() -> [UInt8] {
        // The host sends usage last; should it not, the stream still ends with finish reasons.
        var bytes: [UInt8] = []
        if !ended { end(Usage(promptTokens: context.promptTokens, completionTokens: 0), into: &bytes) }
        return bytes
    }

    // MARK: Events

    private mutating func sendCalls(of choice: Int, into buffer: inout [UInt8]) {
        guard let pending = calls.removeValue(forKey: choice), !pending.isEmpty else { return }
        chunk(into: &buffer) { writer in
            GeminiResponseWriter.writeCandidate(into: &writer, index: choice, finishReason: nil) { writer in
                for (_, call) in pending { GeminiResponseWriter.writeFunctionCall(call, into: &writer) }
            }
        }
    }

    /// The last event: every candidate with its finish reason (and an empty text, so that the
    /// client's `chunk.text` is a string), and the whole reply's usage.
    private mutating func end(_ usage: Usage, into buffer: inout [UInt8]) {
        for choice in calls.keys.sorted() { sendCalls(of: choice, into: &buffer) }
        ended = true
        var writer = JSONWriter(reservingCapacity: 256)
        GeminiResponseWriter.writeResponse(
            into: &writer, context: context,
            candidates: { writer in
                for choice in 0..<choiceCount {
                    GeminiResponseWriter.writeCandidate(into: &writer, index: choice, finishReason: finishReasons[choice] ?? .stop) {
                        writer in
                        GeminiResponseWriter.writeText("", into: &writer)
                    }
                }
            },
            usage: { writer in GeminiResponseWriter.writeUsage(usage, into: &writer) })
        Self.event(writer.bytes, into: &buffer)
    }

    /// One chunk of candidates that are not complete yet, with the prompt's usage.
    private func chunk(into buffer: inout [UInt8], candidates: (inout JSONWriter) -> Void) {
        var writer = JSONWriter(reservingCapacity: 256)
        GeminiResponseWriter.writeResponse(
            into: &writer, context: context, candidates: candidates,
            usage: { writer in GeminiResponseWriter.writePromptUsage(context.promptTokens, into: &writer) })
        Self.event(writer.bytes, into: &buffer)
    }

    /// `data: <payload>`, then a blank line, with the CRLFs Google's servers use.
    private static func event(_ payload: [UInt8], into buffer: inout [UInt8]) {
        buffer += Array("data: ".utf8)
        buffer += payload
        buffer += [0x0D, 0x0A, 0x0D, 0x0A]
    }
}
