import LyrebirdPluginAPI

/// Writes Ollama's stream: newline-delimited JSON, one object per piece of thinking (when the
/// request turned `think` on) and of text, a chat's tool calls in one object when the reply
/// finishes (Ollama sends calls whole), and last the object with `done: true` and the counts. An
/// error part way is an `{"error": ...}` line, which the client raises.
struct OllamaStreamEncoder: StreamEncoder {
    let contentType = "application/x-ndjson"
    private let writer: OllamaResponseWriter
    private let promptTokens: Int
    /// Tool calls not sent yet, by their canonical index.
    private var calls: [(index: Int, call: ToolCall)] = []
    private var reason: FinishReason = .stop
    private var ended = false

    init(writer: OllamaResponseWriter, promptTokens: Int) {
        self.writer = writer
        self.promptTokens = promptTokens
    }

    mutating func start() -> [UInt8] { [] }

    mutating func encode(_ event: ReplyEvent, choice: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        encode(event, choice: choice, into: &bytes)
        return bytes
    }

    mutating func encode(_ event: ReplyEvent, choice: Int, into buffer: inout [UInt8]) {
        // Ollama has one reply per request; the host never asks for more.
        guard choice == 0, !ended else { return }
        switch event {
        case .text(let text):
            sendCalls(into: &buffer)
            line(into: &buffer) { json in writer.writePiece(text: text, into: &json) }
        case .toolCallStart(let index, let id, let name):
            calls.append((index, ToolCall(id: id, name: name, arguments: "")))
        case .toolCallArguments(let index, let fragment):
            guard let position = calls.firstIndex(where: { $0.index == index }) else { return }
            calls[position].call.arguments += fragment
        case .finish(let reason):
            sendCalls(into: &buffer)
            self.reason = reason
        case .usage(let usage):
            end(usage, into: &buffer)
        case .error(let error):
            ended = true
            buffer += OllamaErrors.body(for: error)
            buffer.append(0x0A)
        case .reasoning(let thinking):
            guard writer.showsThinking else { return }
            line(into: &buffer) { json in writer.writePiece(text: "", thinking: thinking, into: &json) }
        case .embedding, .redactedReasoning:
            // Chat and generate have no embeddings, and Ollama no opaque reasoning.
            return
        }
    }

    mutating func finish() -> [UInt8] {
        // The host sends usage last; should it not, the stream still ends with a done object.
        var bytes: [UInt8] = []
        if !ended { end(Usage(promptTokens: promptTokens, completionTokens: 0), into: &bytes) }
        return bytes
    }

    private mutating func sendCalls(into buffer: inout [UInt8]) {
        guard !calls.isEmpty else { return }
        let pending = calls.map(\.call)
        calls = []
        // Generate has no tool calls: a reply written for chat sends only its text there.
        guard writer.kind == .chat else { return }
        line(into: &buffer) { json in writer.writePiece(text: "", toolCalls: pending, into: &json) }
    }

    private mutating func end(_ usage: Usage, into buffer: inout [UInt8]) {
        sendCalls(into: &buffer)
        ended = true
        line(into: &buffer) { json in writer.writeLast(text: "", toolCalls: [], reason: reason, usage: usage, into: &json) }
    }

    private func line(into buffer: inout [UInt8], _ write: (inout JSONWriter) -> Void) {
        var json = JSONWriter(reservingCapacity: 192)
        write(&json)
        buffer += json.bytes
        buffer.append(0x0A)
    }
}
