import LyrebirdPluginAPI

/// Anthropic's error shape: `{"type":"error","error":{"type","message"},"request_id"}`, with the
/// error type Anthropic uses for each status, which the SDK maps to its exception classes.
enum AnthropicErrorEncoding {
    static func response(for error: ReplyError, requestID: String) -> WireResponse {
        var headers = [Header(name: "request-id", value: requestID)]
        if let delay = error.retryAfterMilliseconds {
            headers.append(Header(name: "x-should-retry", value: "true"))
            headers.append(Header(name: "retry-after-ms", value: String(delay)))
        } else {
            // Without an invitation to retry, one failing call stays one request.
            headers.append(Header(name: "x-should-retry", value: "false"))
        }
        var writer = JSONWriter()
        writer.object { writer in
            writer.member("type", "error")
            writer.key("error")
            writeError(error, into: &writer)
            writer.member("request_id", requestID)
        }
        return WireResponse(status: error.status, headers: headers, body: writer.bytes)
    }

    /// `{"type": ..., "message": ...}`: the inner error, also what a mid-stream error event carries.
    static func writeError(_ error: ReplyError, into writer: inout JSONWriter) {
        writer.object { writer in
            writer.member("type", errorType(forStatus: error.status))
            writer.member("message", error.message)
        }
    }

    /// The Anthropic error type for an HTTP status.
    static func errorType(forStatus status: Int) -> String {
        switch status {
        case 400: return "invalid_request_error"
        case 401: return "authentication_error"
        case 402: return "billing_error"
        case 403: return "permission_error"
        case 404: return "not_found_error"
        case 413: return "request_too_large"
        case 429: return "rate_limit_error"
        case 529: return "overloaded_error"
        case 500...: return "api_error"
        default: return "invalid_request_error"
        }
    }
}
