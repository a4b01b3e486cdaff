import LyrebirdPluginAPI

/// One choice of a completion as it is sent, piece by piece: the prompt before the first text
/// when the request echoes it, the text cut where `stop` and `max_tokens` end it, and the log
/// probabilities of each piece, numbered on from the pieces before it.
///
/// A whole reply is one `text` and one `finish`; a stream calls them as its events arrive.
struct CompletionChoiceState {
    private var limit: CompletionTextLimit
    /// The prompt, until it has been echoed; `nil` when the request does not echo.
    private var pendingEcho: String?
    private let logprobs: Int?
    private var tokensSent = 0
    /// Characters (Unicode scalars) before the next token, counted from the prompt's start.
    private var offset: Int
    /// Whether the choice has ended; nothing more is sent for it then.
    private(set) var finished = false

    init(options: CompletionOptions, choice: Int) {
        let prompt = options.prompt(ofChoice: choice)
        limit = CompletionTextLimit(stops: options.stops, maxTokens: options.maxTokens)
        pendingEcho = options.echo ? prompt : nil
        logprobs = options.logprobs
        offset = options.echo ? 0 : prompt.unicodeScalars.count
    }

    /// The completion tokens of choices whose text the request's limits cut, all choices
    /// counted; `nil` when the limits cut none, and the host's count of the reply stands.
    static func completionTokens(of choices: [CompletionChoiceState]) -> Int? {
        guard choices.contains(where: { $0.limit.cut != nil }) else { return nil }
        return choices.reduce(0) { $0 + $1.limit.tokens }
    }

    /// The piece to send for the next text of the reply, if there is anything to send.
    ///
    /// - Throws: `LogprobsVolume.exceeded` when its log probabilities would take `volume`,
    ///   which all choices share, past its limit.
    mutating func text(_ text: String, volume: inout LogprobsVolume) throws(ReplyError) -> CompletionPiece? {
        guard !finished else { return nil }
        let passed = limit.admit(text)
        return try piece(passed, finishReason: limit.cut, volume: &volume)
    }

    /// The piece that ends the choice: what the limit still held, and the finish reason (the
    /// reply's own, unless the limit cut the text first). `nil` once the choice has ended.
    mutating func finish(_ reason: FinishReason, volume: inout LogprobsVolume) throws(ReplyError) -> CompletionPiece? {
        guard !finished else { return nil }
        let rest = limit.flush()
        // Legacy completions have no tool calls: a reply that made some simply stops.
        return try piece(rest, finishReason: limit.cut ?? (reason == .toolCalls ? .stop : reason), volume: &volume)
    }

    private mutating func piece(_ text: String, finishReason: FinishReason?, volume: inout LogprobsVolume) throws(ReplyError)
        -> CompletionPiece?
    {
        if finishReason != nil { finished = true }
        let echo = pendingEcho ?? ""
        pendingEcho = nil
        guard !echo.isEmpty || !text.isEmpty || finishReason != nil else { return nil }
        var piece = CompletionPiece(text: echo + text, finishReason: finishReason)
        if let top = logprobs {
            var scored = CompletionPiece.Logprobs(tokens: [], offsets: [], firstUnscored: false)
            if !echo.isEmpty {
                scored.firstUnscored = true
                try append(echo, top: top, to: &scored, volume: &volume)
            }
            try append(text, top: top, to: &scored, volume: &volume)
            piece.logprobs = scored
        }
        return piece
    }

    private mutating func append(
        _ text: String, top: Int, to logprobs: inout CompletionPiece.Logprobs, volume: inout LogprobsVolume
    ) throws(ReplyError) {
        guard volume.admit(text[...], top: top) else { throw LogprobsVolume.exceeded }
        let tokens = TokenLogprobs.tokens(of: text[...], from: tokensSent, top: top)
        tokensSent += tokens.count
        for token in tokens {
            logprobs.offsets.append(offset)
            offset += token.text.unicodeScalars.count
        }
        logprobs.tokens += tokens
    }
}
