import LyrebirdPluginAPI

extension StaticReply {
    /// The events that deliver this reply for one choice.
    ///
    /// - Parameter chunkCharacters: when set, text and tool arguments are cut into pieces of
    ///   about this size, as a streaming model would send them; `nil` sends each whole.
    func events(chunkCharacters: Int?, makeCallID: () -> String) -> [ReplyEvent] {
        var events: [ReplyEvent] = []
        if let reasoning, !reasoning.isEmpty {
            for piece in Self.split(reasoning, size: chunkCharacters, atWords: true) { events.append(.reasoning(piece)) }
        }
        for data in redactedReasoning { events.append(.redactedReasoning(data: data)) }
        if let content, !content.isEmpty {
            for piece in Self.split(content, size: chunkCharacters, atWords: true) { events.append(.text(piece)) }
        }
        for (index, call) in toolCalls.enumerated() {
            events.append(.toolCallStart(index: index, id: call.id ?? makeCallID(), name: call.name))
            for piece in Self.split(call.arguments, size: chunkCharacters, atWords: false) {
                events.append(.toolCallArguments(index: index, fragment: piece))
            }
        }
        events.append(.finish(finishReason ?? (toolCalls.isEmpty ? .stop : .toolCalls)))
        if let usage { events.append(.usage(usage)) }
        return events
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
