import LyrebirdPluginAPI

extension ReplyError {
    /// The 404 for a path that nothing serves, whichever way the request came (HTTP, a
    /// preflight, a WebSocket upgrade).
    static func unknownURL(_ method: String, _ path: String) -> ReplyError {
        ReplyError(
            status: 404, message: "Unknown request URL: \(method) \(path). Please check the URL.", type: "invalid_request_error",
            code: "unknown_url")
    }
}
