import Foundation
import LyrebirdPluginAPI

/// Plausible log probabilities for reply text, the same for the same text every time: what the
/// OpenAI formats send when a request asks for `logprobs` (chat completions, legacy completions,
/// the Responses API).
///
/// Text is cut into tokens by the rule the host counts tokens with: a run of letters and digits
/// is one token per started four characters (Unicode scalars), any other non-space character is
/// a token of its own. So a reply has as many tokens here as its usage reports. Whitespace
/// belongs to the token before it (leading whitespace to the first token), so a stream whose
/// pieces end after whitespace gets the same tokens piece by piece as the whole text does.
///
/// A token's log probability comes from a hash of the token and its position in the reply: in
/// [-2.5, -0.01], mostly near 0 as a confident model's are. Its `top` list starts with the token
/// itself, followed by common tokens, each less likely than the one before and together never
/// more likely than the token's complement.
enum TokenLogprobs {
    /// One token of a reply.
    struct Token: Sendable, Hashable {
        /// The token's text; the tokens of a text join up to it.
        let text: Substring
        /// The natural log of the token's probability.
        let logprob: Double
        /// The most likely tokens at this position, most likely first: the token itself, then
        /// alternatives. As many as asked for.
        let top: [Alternative]
    }

    /// A token that could have stood at a position, with its log probability.
    struct Alternative: Sendable, Hashable {
        let token: String
        let logprob: Double
    }

    /// The tokens of `text` with their log probabilities and `top` most likely tokens each (at
    /// most 41; the OpenAI formats ask for up to 20).
    ///
    /// - Parameter position: The position of the first token in the reply, so that a streamed
    ///   piece continues where the piece before it ended (add the number of tokens sent so far).
    static func tokens(of text: Substring, from position: Int, top: Int) -> [Token] {
        split(text).enumerated().map { offset, token in
            make(token, position: position + offset, top: top)
        }
    }

    /// The tokens `text` is cut into, in order; they join up to `text`. Empty text has none;
    /// text of whitespace alone is one token.
    static func split(_ text: Substring) -> [Substring] {
        let scalars = text.unicodeScalars
        var starts: [String.Index] = []
        TokenCounter.forEachTokenStart(in: scalars) { starts.append($0) }
        guard !starts.isEmpty else { return text.isEmpty ? [] : [text] }
        starts[0] = scalars.startIndex
        // Sliced by scalar view: a String range would round a scalar boundary inside a
        // character (a combining mark) down to the character's start.
        var tokens: [Substring] = []
        tokens.reserveCapacity(starts.count)
        for (offset, start) in starts.enumerated() {
            let end = offset + 1 < starts.count ? starts[offset + 1] : scalars.endIndex
            tokens.append(Substring(scalars[start..<end]))
        }
        return tokens
    }

    // MARK: Values

    private static func make(_ text: Substring, position: Int, top: Int) -> Token {
        var random = SeededRandom(seed: SeededRandom.hash(text) ^ (UInt64(truncatingIfNeeded: position) &* SeededRandom.increment))
        let draw = random.unit()
        // Squared, so that most tokens are likely ones, as in a model's confident reply.
        let logprob = rounded(-(0.01 + 2.49 * draw * draw))
        guard top > 0 else { return Token(text: text, logprob: logprob, top: []) }

        let top = min(top, vocabulary.count)
        var alternatives = [Alternative(token: String(text), logprob: logprob)]
        alternatives.reserveCapacity(top)
        let probability = exp(logprob)
        let spare = min(probability, 1 - probability)
        // Alternatives end in the token's own trailing whitespace, so they read as words in
        // the same place; at most a few characters of it, or a token ending in a megabyte of
        // spaces would be copied into every alternative.
        var suffixStart = text.endIndex
        var suffixLength = 0
        while suffixStart > text.startIndex, suffixLength < longestSuffix, text[text.index(before: suffixStart)].isWhitespace {
            suffixStart = text.index(before: suffixStart)
            suffixLength += 1
        }
        let suffix = text[suffixStart...]
        var pick = Int(random.next() % UInt64(vocabulary.count))
        var share = 0.5
        while alternatives.count < top {
            // Each alternative gets between a half and three quarters of its halving share, so
            // each is less likely than the one before, and all of them less than `spare`.
            let candidate = vocabulary[pick] + suffix
            pick = (pick + vocabularyStride) % vocabulary.count
            guard candidate != alternatives[0].token else { continue }
            alternatives.append(Alternative(token: candidate, logprob: rounded(log(spare * share * (0.5 + 0.25 * random.unit())))))
            share /= 2
        }
        return Token(text: text, logprob: logprob, top: alternatives)
    }

    /// Common tokens that stand in as alternatives. 41 of them, a prime, so that stepping by
    /// `vocabularyStride` visits every one before repeating: up to 20 alternatives are distinct.
    private static let vocabulary = [
        "the", "a", "and", "to", "of", "in", "is", "it", "that", "for", "you", "this", "on", "with", "as", "I", "be", "at", "or",
        "was", "are", "not", "but", "we", "can", "so", "if", "an", "by", "from", "all", "one", ",", ".", "!", "?", ":", ";", "-",
        "'", "\n",
    ]
    private static let vocabularyStride = 7
    /// The most trailing whitespace characters an alternative copies from its token.
    private static let longestSuffix = 4

    /// Six decimals: what a log probability needs, and short on the wire.
    private static func rounded(_ value: Double) -> Double {
        (value * 1_000_000).rounded() / 1_000_000
    }
}
