import LyrebirdPluginAPI

extension ReplyError {
    /// The 404 for a path that nothing serves, whichever way the request came (HTTP, a
    /// preflight, a WebSocket upgrade).
    static func unknownURL(_ method: String, _ path: String) -> ReplyError {
        ReplyError(
            status: 404, message: "Unknown request URL: \(method) \(path). Please check the URL.", type: "invalid_request_error",
            code: "unknown_url")
    }

    /// The 413 for a body over `max_body_bytes`, however the host learns of it (a declared
    /// length, a chunk's size, the bytes read, a socketless call).
    static func requestTooLarge(limit: Int) -> ReplyError {
        ReplyError(
            status: 413, message: "The request body is larger than the limit of \(limit) bytes.", type: "invalid_request_error",
            code: "request_too_large")
    }

    /// The 503 for a body the host has no room to hold (`max_buffered_bytes`).
    static func buffersFull(limit: Int) -> ReplyError {
        ReplyError(
            status: 503,
            message: "The server holds as many request bytes as settings.max_buffered_bytes allows (\(limit) bytes); retry shortly.",
            type: "server_error", code: "server_busy", retryAfterMilliseconds: 1000)
    }
}
