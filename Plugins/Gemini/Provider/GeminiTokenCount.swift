import LyrebirdPluginAPI

/// Counts the tokens of a prompt by the host's documented rule (docs/configuration.md, "Token
/// counting"), so that `countTokens` agrees with the `promptTokenCount` the host reports when the
/// same contents are generated from. A plugin cannot call the host's counter; it applies the
/// same rule:
///
/// - a run of letters and digits costs one token per started four characters;
/// - every other non-space character costs 1; whitespace is free;
/// - a prompt costs 3, plus 4 per message, plus its text parts, participant name and tool calls
///   (name and arguments), plus the name, description and JSON schema of each offered tool.
enum GeminiTokenCount {
    static func prompt(_ request: CanonicalRequest) -> Int {
        var tokens = 3
        for message in request.messages {
            tokens += 4
            for case .text(let text) in message.content { tokens += count(text) }
            if let name = message.name { tokens += count(name) }
            for call in message.toolCalls { tokens += count(call.name) + count(call.arguments) }
        }
        for tool in request.tools {
            tokens += count(tool.name) + count(tool.description ?? "") + count(tool.parameters?.serialized ?? "")
        }
        return tokens
    }

    /// The tokens of one text.
    static func count(_ text: String) -> Int {
        var tokens = 0
        var wordLength = 0
        for scalar in text.unicodeScalars {
            let properties = scalar.properties
            if properties.isAlphabetic || properties.numericType != nil {
                wordLength += 1
                continue
            }
            tokens += (wordLength + 3) / 4
            wordLength = 0
            if !properties.isWhitespace { tokens += 1 }
        }
        return tokens + (wordLength + 3) / 4
    }
}
