import LyrebirdPluginAPI

extension StaticReply {
    /// The events that deliver this reply for one choice.
    ///
    /// - Parameter chunkCharacters: when set, text and tool arguments are cut into pieces of
    ///   about this size, as a streaming model would send them; `nil` sends each whole.
    func events(chunkCharacters: Int?, makeCallID: () -> String) -> [ReplyEvent] {
        var events: [ReplyEvent] = []
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
        var current = ""
        for character in text {
            current.append(character)
            if current.count >= size && (!atWords || character.isWhitespace) || current.count >= size * 2 {
                pieces.append(current)
                current = ""
            }
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }
}
