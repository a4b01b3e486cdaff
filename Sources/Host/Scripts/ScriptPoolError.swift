import LyrebirdPluginAPI

/// Why work could not run on the script threads.
enum ScriptPoolError: Error, Sendable, Equatable {
    /// Every thread stayed busy for the whole queue timeout.
    case busy(threads: Int, waitedMilliseconds: Int)
    /// The task awaiting the work was cancelled before a thread took it.
    case cancelled
    /// The pool was shut down: the host stopped.
    case stopped

    /// The error a client gets in the provider's shape.
    var replyError: ReplyError {
        switch self {
        case .busy(let threads, let waited):
            return ReplyError(
                status: 503,
                message:
                    "All \(threads) script threads stayed busy for \(waited) ms (settings.script_queue_timeout_ms); try again later.",
                type: "server_error", code: "scripts_busy", retryAfterMilliseconds: 1000)
        case .cancelled:
            return ReplyError(
                status: 500, message: "The request was cancelled before a script thread took it.", type: "server_error",
                code: "scripts_cancelled")
        case .stopped:
            return ReplyError(
                status: 503, message: "The server is stopping and runs no more scripts.", type: "server_error", code: "scripts_stopped")
        }
    }
}
