import LyrebirdPluginAPI

extension CompletionPiece {
    /// Writes the piece as choice `index`: `{"text", "index", "logprobs", "finish_reason"}`,
    /// the same in a whole reply and in a stream chunk.
    func write(index: Int, into writer: inout JSONWriter) {
        writer.object { writer in
            writer.member("text", text)
            writer.member("index", index)
            if let logprobs {
                writer.key("logprobs")
                logprobs.write(into: &writer)
            } else {
                writer.nullMember("logprobs")
            }
            writer.member("finish_reason", finishReason?.rawValue)
        }
    }
}

extension CompletionPiece.Logprobs {
    /// `{"tokens": [...], "token_logprobs": [...], "top_logprobs": [{token: logprob}], "text_offset": [...]}`.
    func write(into writer: inout JSONWriter) {
        writer.object { writer in
            writer.member(
                "tokens",
                array: { writer in
                    for token in tokens { writer.string(String(token.text)) }
                })
            writer.member(
                "token_logprobs",
                array: { writer in
                    for (position, token) in tokens.enumerated() {
                        if position == 0 && firstUnscored { writer.null() } else { writer.number(token.logprob) }
                    }
                })
            writer.member(
                "top_logprobs",
                array: { writer in
                    for (position, token) in tokens.enumerated() {
                        if position == 0 && firstUnscored {
                            writer.null()
                            continue
                        }
                        writer.object { writer in
                            for alternative in token.top { writer.member(alternative.token, alternative.logprob) }
                        }
                    }
                })
            writer.member(
                "text_offset",
                array: { writer in
                    for offset in offsets { writer.integer(offset) }
                })
        }
    }
}
