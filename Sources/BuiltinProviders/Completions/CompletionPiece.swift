import LyrebirdPluginAPI

/// A part of one choice of a completion, ready to be written: the whole choice, or what one
/// stream chunk carries.
struct CompletionPiece {
    var text: String
    /// The log probabilities of `text`'s tokens, when the request asks for them.
    var logprobs: Logprobs?
    /// Set on the piece that ends the choice.
    var finishReason: FinishReason?

    /// Log probabilities in the legacy form.
    struct Logprobs {
        var tokens: [TokenLogprobs.Token]
        /// The character offset of each token in the choice's text: counted from the start of
        /// the prompt, whether it is echoed or not, as the real API counts.
        var offsets: [Int]
        /// Whether the first token is the first of an echoed prompt, which nothing predicts: its
        /// log probability and alternatives are `null`.
        var firstUnscored: Bool
    }

    /// This piece followed by `next`.
    func followed(by next: CompletionPiece?) -> CompletionPiece {
        guard let next else { return self }
        var joined = self
        joined.text += next.text
        joined.finishReason = next.finishReason ?? finishReason
        if let more = next.logprobs {
            if joined.logprobs == nil {
                joined.logprobs = more
            } else {
                joined.logprobs?.tokens += more.tokens
                joined.logprobs?.offsets += more.offsets
            }
        }
        return joined
    }
}
