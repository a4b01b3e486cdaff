/// Counts tokens the same way every time, close enough to real tokenizers for budgets and
/// dashboards to look plausible. The host reports usage by it, and a provider that answers a
/// token count itself (Gemini's `countTokens`) uses it to agree with the host.
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
        for scalar in text.unicodeScalars { counter.add(kind(of: scalar)) }
        return counter.total
    }

    /// Tokens in a piece of text, without copying it.
    public static func count(_ text: Substring) -> Int {
        var counter = Counter()
        for scalar in text.unicodeScalars { counter.add(kind(of: scalar)) }
        return counter.total
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

    /// Calls `body` with where each token of `scalars` starts, whitespace before the first left
    /// out: the same rule as `count`, for a caller that cuts text into its tokens.
    package static func forEachTokenStart(in scalars: Substring.UnicodeScalarView, _ body: (String.Index) -> Void) {
        var wordLength = 0
        var index = scalars.startIndex
        while index < scalars.endIndex {
            switch kind(of: scalars[index]) {
            case .word:
                if wordLength % 4 == 0 { body(index) }
                wordLength += 1
            case .space:
                wordLength = 0
            case .other:
                body(index)
                wordLength = 0
            }
            scalars.formIndex(after: &index)
        }
    }

    private static func countASCIIPrefixed(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var counter = Counter()
        var index = 0
        asciiKinds.withUnsafeBufferPointer { kinds in
            while index < bytes.count {
                let byte = bytes[index]
                guard byte < 0x80 else { return }
                counter.add(kinds[Int(byte)])
                index += 1
            }
        }
        if index < bytes.count {
            // The rest goes scalar by scalar; Swift strings hold valid UTF-8.
            let rest = UnsafeBufferPointer(rebasing: bytes[index...])
            for scalar in String(decoding: rest, as: UTF8.self).unicodeScalars { counter.add(kind(of: scalar)) }
        }
        return counter.total
    }

    private enum ScalarKind {
        case word, space, other
    }

    private static let asciiKinds: [ScalarKind] = (0..<128).map { classify(Unicode.Scalar(UInt8($0))) }

    private static func kind(of scalar: Unicode.Scalar) -> ScalarKind {
        scalar.isASCII ? asciiKinds[Int(scalar.value)] : classify(scalar)
    }

    private static func classify(_ scalar: Unicode.Scalar) -> ScalarKind {
        if scalar.properties.isAlphabetic || scalar.properties.numericType != nil { return .word }
        return scalar.properties.isWhitespace ? .space : .other
    }

    private struct Counter {
        var tokens = 0
        var wordLength = 0

        var total: Int { tokens + (wordLength + 3) / 4 }

        mutating func add(_ kind: ScalarKind) {
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
}
