import LyrebirdPluginAPI

extension TokenLogprobs {
    /// Writes `tokens` the way chat completions and the Responses API send them:
    /// `[{"token", "logprob", "bytes", "top_logprobs": [{"token", "logprob", "bytes"}]}]`, with
    /// `bytes` the token's UTF-8.
    static func writeContent(_ tokens: [Token], into writer: inout JSONWriter) {
        writer.array { writer in
            for token in tokens {
                writer.object { writer in
                    writer.member("token", String(token.text))
                    writer.member("logprob", token.logprob)
                    writeBytes(of: token.text.utf8, into: &writer)
                    writer.member(
                        "top_logprobs",
                        array: { writer in
                            for alternative in token.top {
                                writer.object { writer in
                                    writer.member("token", alternative.token)
                                    writer.member("logprob", alternative.logprob)
                                    writeBytes(of: alternative.token.utf8, into: &writer)
                                }
                            }
                        })
                }
            }
        }
    }

    private static func writeBytes(of utf8: some Sequence<UInt8>, into writer: inout JSONWriter) {
        writer.member(
            "bytes",
            array: { writer in
                for byte in utf8 { writer.integer(Int(byte)) }
            })
    }
}
