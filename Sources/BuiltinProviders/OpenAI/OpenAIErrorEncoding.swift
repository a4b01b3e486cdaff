import LyrebirdPluginAPI

/// The OpenAI error shape, shared by every OpenAI-format provider.
enum OpenAIErrorEncoding {
    /// `{"error": {"message", "type", "param", "code"}}` with the error's status.
    static func response(for error: ReplyError) -> WireResponse {
        var headers: [Header] = []
        if let delay = error.retryAfterMilliseconds {
            headers.append(Header(name: "x-should-retry", value: "true"))
            headers.append(Header(name: "retry-after-ms", value: String(delay)))
        } else {
            headers.append(Header(name: "x-should-retry", value: "false"))
        }
        return WireResponse(status: error.status, headers: headers, body: body(for: error))
    }

    /// The error object alone, wrapped in `{"error": ...}`: also what a stream sends mid-way.
    static func body(for error: ReplyError) -> [UInt8] {
        error.openAIShapeBody
    }
}
