import LyrebirdPluginAPI

/// What an OpenAI request says about streaming: `stream`, and `stream_options`, which only a
/// streamed request may carry.
struct StreamRequest {
    let stream: Bool
    /// `stream_options.include_usage`: a last chunk with the usage.
    let includeUsage: Bool

    init(_ fields: RequestFields) throws(ReplyError) {
        stream = try fields.bool("stream") ?? false
        var includeUsage = false
        if let options = try fields.object("stream_options") {
            guard stream else {
                throw ReplyError.invalidParameter(
                    "stream_options", "The 'stream_options' parameter is only allowed when 'stream' is enabled.", code: "invalid_value")
            }
            if let flag = options["include_usage"], !flag.isNull {
                includeUsage = try RequestFields.bool(flag, param: "stream_options.include_usage")
            }
        }
        self.includeUsage = includeUsage
    }
}
