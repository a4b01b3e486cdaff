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
        // Most text is ASCII: classify its bytes by table and leave Unicode property lookups,
        // which cost far more, to the other scalars.
        if let tokens = text.utf8.withContiguousStorageIfAvailable({ countASCIIPrefixed($0) }) { return tokens }
        var counter = Counter()
        for scalar in text.unicodeScalars { counter.add(scalar) }
        return counter.total
    }

    private static func countASCIIPrefixed(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var counter = Counter()
        var index = 0
        asciiKinds.withUnsafeBufferPointer { kinds in
            while index < bytes.count {
                let byte = bytes[index]
                guard byte < 0x80 else { return }
                counter.add(kind: kinds[Int(byte)])
                index += 1
            }
        }
        if index < bytes.count {
            // The rest goes scalar by scalar; Swift strings hold valid UTF-8.
            let rest = UnsafeBufferPointer(rebasing: bytes[index...])
            for scalar in String(decoding: rest, as: UTF8.self).unicodeScalars { counter.add(scalar) }
        }
        return counter.total
    }

    private enum ScalarKind {
        case word, space, other
    }

    private static let asciiKinds: [ScalarKind] = (0..<128).map { value in
        let scalar = Unicode.Scalar(UInt8(value))
        if scalar.properties.isAlphabetic || scalar.properties.numericType != nil { return .word }
        return scalar.properties.isWhitespace ? .space : .other
    }

    private struct Counter {
        var tokens = 0
        var wordLength = 0

        var total: Int { tokens + (wordLength + 3) / 4 }

        mutating func add(_ scalar: Unicode.Scalar) {
            if scalar.isASCII {
                add(kind: asciiKinds[Int(scalar.value)])
            } else if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                add(kind: .word)
            } else {
                add(kind: scalar.properties.isWhitespace ? .space : .other)
            }
        }

        mutating func add(kind: ScalarKind) {
            switch kind {
            case .word:
                wordLength += 1
            case .space:
                tokens += (wordLength + 3) / 4
                wordLength = 0
            case .other:
                tokens += (wordLength + 3) / 4 + 1
                wordLength = 0
            }
        }
    }

    /// Tokens in a request's prompt: messages, tool calls in them, and tool definitions.
    public static func promptTokens(_ request: CanonicalRequest) -> Int {
        if request.replyKind != .message {
            // Embedding inputs are counted as they are, without a chat's framing.
            return request.messages.reduce(0) { total, message in total + count(message.text) }
        }
        var tokens = 3
        for message in request.messages {
            tokens += 4
            // Part by part rather than `message.text`: the newlines that join parts are free.
            for case .text(let text) in message.content { tokens += count(text) }
            if let name = message.name { tokens += count(name) }
            for call in message.toolCalls { tokens += count(call.name) + count(call.arguments) }
        }
        for tool in request.tools {
            tokens += count(tool.name) + count(tool.description ?? "") + count(tool.parameters?.serialized ?? "")
        }
        return tokens
    }
}
