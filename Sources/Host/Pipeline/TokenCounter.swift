import LyrebirdPluginAPI

/// Counts tokens the same way every time, close enough to real tokenizers for budgets and
/// dashboards to look plausible.
///
/// A run of letters and digits costs one token per started four characters (so "hello" is 2,
/// "a" is 1); every other non-space character costs 1; whitespace is free. A prompt adds 3
/// tokens, plus 4 per message (the role and framing) and the JSON of each offered tool.
public enum TokenCounter {
    /// Tokens in a piece of text.
    public static func count(_ text: String) -> Int {
        var tokens = 0
        var wordLength = 0
        for scalar in text.unicodeScalars {
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                wordLength += 1
                continue
            }
            tokens += (wordLength + 3) / 4
            wordLength = 0
            if !scalar.properties.isWhitespace { tokens += 1 }
        }
        return tokens + (wordLength + 3) / 4
    }

    /// Tokens in a request's prompt: messages, tool calls in them, and tool definitions.
    public static func promptTokens(_ request: CanonicalRequest) -> Int {
        var tokens = 3
        for message in request.messages {
            tokens += 4 + count(message.text)
            if let name = message.name { tokens += count(name) }
            for call in message.toolCalls { tokens += count(call.name) + count(call.arguments) }
        }
        for tool in request.tools {
            tokens += count(tool.name) + count(tool.description ?? "") + count(tool.parameters?.serialized ?? "")
        }
        return tokens
    }
}
