import LyrebirdPluginAPI

/// Writes a streamed legacy completion: `data:` chunks of object `text_completion`, each with
/// one choice's piece of text (`finish_reason` null), a chunk with empty text and the finish
/// reason to end each choice, the usage chunk (`choices: []`) when asked, then `data: [DONE]`.
///
/// Each choice keeps its own state (echo, the stop and length limits, log probability
/// positions); a choice the limits ended ignores the rest of the reply's text.
struct CompletionsStreamEncoder: StreamEncoder {
    let contentType = "text/event-stream"
    /// `data: {"id":...,"system_fingerprint":"..."` without the closing brace.
    private let head: [UInt8]
    private let includeUsage: Bool
    private var choices: [CompletionChoiceState]
    private var failed = false
    private var volume = LogprobsVolume()

    init(context: ReplyContext, options: CompletionOptions, choiceCount: Int, includeUsage: Bool) {
        self.includeUsage = includeUsage
        choices = (0..<choiceCount).map { CompletionChoiceState(options: options, choice: $0) }
        var writer = JSONWriter()
        writer.object { writer in CompletionsProvider.writeHead(context, into: &writer) }
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
            advance(choice, into: &bytes) { state, volume throws(ReplyError) in try state.text(text, volume: &volume) }
        case .finish(let reason):
            advance(choice, into: &bytes) { state, volume throws(ReplyError) in try state.finish(reason, volume: &volume) }
        case .usage(var usage):
            guard includeUsage else { return }
            // The host counted the reply the responder gave; the text sent is shorter.
            if let tokens = CompletionChoiceState.completionTokens(of: choices) { usage.completionTokens = tokens }
            var writer = JSONWriter(reservingCapacity: 96)
            CompletionsProvider.writeUsage(usage, into: &writer)
            bytes += head
            bytes += Self.usageStart
            bytes += writer.bytes
            bytes += Self.chunkEnd
        case .error(let error):
            failed = true
            bytes += ServerSentEvents.data(OpenAIErrorEncoding.body(for: error))
        case .toolCallStart, .toolCallArguments, .embedding, .reasoning, .redactedReasoning:
            // Legacy completions are text only.
            return
        }
    }

    mutating func finish() -> [UInt8] {
        failed ? [] : ServerSentEvents.done
    }

    /// Writes the piece `step` gives for the choice's state, if any; the error it throws in its
    /// place ends the stream.
    private mutating func advance(
        _ choice: Int, into bytes: inout [UInt8],
        _ step: (inout CompletionChoiceState, inout LogprobsVolume) throws(ReplyError) -> CompletionPiece?
    ) {
        guard choices.indices.contains(choice) else { return }
        do {
            if let piece = try step(&choices[choice], &volume) { write(piece, choice: choice, into: &bytes) }
        } catch {
            encode(.error(error), choice: choice, into: &bytes)
        }
    }

    /// The piece's text in one chunk and, when it ends the choice, the finish in a chunk of its
    /// own with empty text (and no tokens), as the real stream ends a choice.
    private func write(_ piece: CompletionPiece, choice: Int, into bytes: inout [UInt8]) {
        if let reason = piece.finishReason, !piece.text.isEmpty {
            var text = piece
            text.finishReason = nil
            chunk(text, choice: choice, into: &bytes)
            let noTokens = piece.logprobs.map { _ in CompletionPiece.Logprobs(tokens: [], offsets: [], firstUnscored: false) }
            chunk(CompletionPiece(text: "", logprobs: noTokens, finishReason: reason), choice: choice, into: &bytes)
        } else {
            chunk(piece, choice: choice, into: &bytes)
        }
    }

    private func chunk(_ piece: CompletionPiece, choice: Int, into bytes: inout [UInt8]) {
        var writer = JSONWriter(reservingCapacity: 64 + piece.text.utf8.count)
        piece.write(index: choice, into: &writer)
        bytes += head
        bytes += Self.choicesStart
        bytes += writer.bytes
        bytes += Self.choicesEnd
    }

    private static let choicesStart = Array(",\"choices\":[".utf8)
    private static let choicesEnd = Array("]}\n\n".utf8)
    private static let usageStart = Array(",\"choices\":[],\"usage\":".utf8)
    private static let chunkEnd = Array("}\n\n".utf8)
}
