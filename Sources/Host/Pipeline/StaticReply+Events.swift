import LyrebirdPluginAPI

extension StaticReply {
    /// The events that deliver this reply for one choice.
    ///
    /// - Parameter chunkCharacters: when set, text and tool arguments are cut into pieces of
    ///   about this size, as a streaming model would send them; `nil` sends each whole.
    func events(chunkCharacters: Int?, makeCallID: () -> String) -> [ReplyEvent] {
        events(chunk: chunkCharacters.map { .characters($0) }, makeCallID: makeCallID)
    }

    /// The events that deliver this reply for one choice, text and tool arguments in pieces of
    /// `chunk` (`nil` sends each whole).
    func events(chunk: ChunkSize?, makeCallID: () -> String) -> [ReplyEvent] {
        var events: [ReplyEvent] = []
        if let reasoning, !reasoning.isEmpty {
            for piece in Self.split(reasoning, chunk: chunk, atWords: true) { events.append(.reasoning(piece)) }
        }
        for data in redactedReasoning { events.append(.redactedReasoning(data: data)) }
        if let content, !content.isEmpty {
            for piece in Self.split(content, chunk: chunk, atWords: true) { events.append(.text(piece)) }
        }
        for (index, call) in toolCalls.enumerated() {
            events.append(.toolCallStart(index: index, id: call.id ?? makeCallID(), name: call.name))
            for piece in Self.split(call.arguments, chunk: chunk, atWords: false) {
                events.append(.toolCallArguments(index: index, fragment: piece))
            }
        }
        events.append(.finish(finishReason ?? (toolCalls.isEmpty ? .stop : .toolCalls)))
        if let usage { events.append(.usage(usage)) }
        return events
    }

    /// Cuts `text` into pieces of `chunk`; characters end a piece after whitespace when
    /// `atWords` and one is near.
    static func split(_ text: String, chunk: ChunkSize?, atWords: Bool) -> [String] {
        switch chunk {
        case nil: return [text]
        case .characters(let size): return split(text, size: size, atWords: atWords)
        case .words(let count): return split(text, every: count, startsOf: wordStarts(in: text))
        case .tokens(let count):
            var starts: [String.Index] = []
            TokenCounter.forEachTokenStart(in: text[...].unicodeScalars) { starts.append($0) }
            return split(text, every: count, startsOf: starts)
        }
    }

    /// Where each word of `text` starts: the first non-whitespace after whitespace (the first
    /// word's start is the text's).
    private static func wordStarts(in text: String) -> [String.Index] {
        var starts: [String.Index] = []
        var afterSpace = true
        for index in text.indices {
            let isSpace = text[index].isWhitespace
            if !isSpace && afterSpace { starts.append(index) }
            afterSpace = isSpace
        }
        return starts
    }

    /// Cuts `text` before every `count`th of `starts` (the first piece also takes what comes
    /// before the first start).
    private static func split(_ text: String, every count: Int, startsOf starts: [String.Index]) -> [String] {
        let cuts = stride(from: max(1, count), to: starts.count, by: max(1, count)).map { starts[$0] }
        var pieces: [String] = []
        var start = text.startIndex
        for cut in cuts where cut > start {
            pieces.append(String(text[start..<cut]))
            start = cut
        }
        pieces.append(String(text[start...]))
        return pieces
    }

    /// Cuts `text` into pieces of about `size` characters; with `atWords`, a piece ends after
    /// whitespace when one is near, so words arrive whole like model tokens.
    static func split(_ text: String, size: Int?, atWords: Bool) -> [String] {
        guard let size, text.count > size else { return [text] }
        var pieces: [String] = []
        // Counted alongside: `String.count` walks the whole string, which made long replies
        // cost the square of their length.
        var pieceStart = text.startIndex
        var pieceCharacters = 0
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            index = text.index(after: index)
            pieceCharacters += 1
            if pieceCharacters >= size && (!atWords || character.isWhitespace) || pieceCharacters >= size * 2 {
                pieces.append(String(text[pieceStart..<index]))
                pieceStart = index
                pieceCharacters = 0
            }
        }
        if pieceStart < text.endIndex { pieces.append(String(text[pieceStart...])) }
        return pieces
    }
}
