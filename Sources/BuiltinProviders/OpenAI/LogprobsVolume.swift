import LyrebirdPluginAPI

/// How many log probabilities one response may carry: tokens times (`top_logprobs` + 1), all
/// choices together. A real model's reply is bounded by its output limit; a mock's is as long as
/// its fixture or script makes it, and 128 choices of 20 alternatives each used to turn 8 KB of
/// reply text into 2 GB of response.
struct LogprobsVolume {
    /// About 50 MB of JSON; a 16,000-token reply with 20 alternatives a token fits.
    static let maximumEntries = 500_000

    private var entries = 0

    /// Counts the log probabilities of `text` with `top` alternatives a token; `false` once the
    /// response would carry more than `maximumEntries`. Cheap: it only finds where tokens start.
    mutating func admit(_ text: Substring, top: Int) -> Bool {
        // As many entries as `TokenLogprobs.split` gives tokens: whitespace alone is one.
        let tokens = max(TokenCounter.count(text), text.isEmpty ? 0 : 1)
        entries += tokens * (top + 1)
        return entries <= Self.maximumEntries
    }

    /// The 400 a request gets when its reply would pass the limit.
    static var exceeded: ReplyError {
        ReplyError(
            status: 400,
            message: "The reply would carry more than \(maximumEntries) log probabilities (tokens × (top_logprobs + 1), all choices "
                + "together), Lyrebird's limit for one response. Ask for fewer choices or top_logprobs, or a shorter reply.",
            type: "invalid_request_error", param: "top_logprobs", code: "logprobs_too_large")
    }
}
