import LyrebirdPluginAPI

/// Google's error shape, `{"error": {"code", "message", "status", "details"?}}`, with the
/// canonical status name Google gives each HTTP status. The client raises `ClientError` for 4xx
/// and `ServerError` for 5xx, with `code`, `status` and `message` from this object.
enum GeminiErrors {
    /// A 400 `INVALID_ARGUMENT` naming the field at fault.
    static func invalidArgument(_ message: String, param: String?) -> ReplyError {
        ReplyError(status: 400, message: message, type: "invalid_request_error", param: param)
    }

    static func response(for error: ReplyError) -> WireResponse {
        var headers: [Header] = []
        if let delay = error.retryAfterMilliseconds {
            // Whole seconds, rounded up: what an HTTP client reads.
            headers.append(Header(name: "retry-after", value: String((delay + 999) / 1000)))
        }
        return WireResponse(status: error.status, headers: headers, body: body(for: error))
    }

    /// `{"error": {...}}`: a whole error response's body, and what a stream sends when it fails
    /// part way (the client raises on a chunk that starts with `{"error":`).
    static func body(for error: ReplyError) -> [UInt8] {
        var writer = JSONWriter()
        writer.object { writer in
            writer.member(
                "error",
                object: { writer in
                    writer.member("code", error.status)
                    writer.member("message", error.message)
                    writer.member("status", status(for: error.status))
                    writeDetails(of: error, into: &writer)
                })
        }
        return writer.bytes
    }

    /// Google's `details`: the field at fault (`BadRequest`), the error's code (`ErrorInfo`), and
    /// when to retry (`RetryInfo`), each only when the error has it.
    private static func writeDetails(of error: ReplyError, into writer: inout JSONWriter) {
        guard error.param != nil || error.code != nil || error.retryAfterMilliseconds != nil else { return }
        writer.member(
            "details",
            array: { writer in
                if let param = error.param {
                    writer.object { writer in
                        writer.member("@type", "type.googleapis.com/google.rpc.BadRequest")
                        writer.member(
                            "fieldViolations",
                            array: { writer in
                                writer.object { writer in
                                    writer.member("field", param)
                                    writer.member("description", error.message)
                                }
                            })
                    }
                }
                if let code = error.code {
                    writer.object { writer in
                        writer.member("@type", "type.googleapis.com/google.rpc.ErrorInfo")
                        writer.member("reason", code.uppercased())
                        writer.member("domain", "lyrebird")
                    }
                }
                if let delay = error.retryAfterMilliseconds {
                    writer.object { writer in
                        writer.member("@type", "type.googleapis.com/google.rpc.RetryInfo")
                        writer.member("retryDelay", "\(delay / 1000).\(String(delay % 1000 + 1000).dropFirst())s")
                    }
                }
            })
    }

    /// The `google.rpc.Code` name Google pairs with an HTTP status.
    static func status(for httpStatus: Int) -> String {
        switch httpStatus {
        case 400: return "INVALID_ARGUMENT"
        case 401: return "UNAUTHENTICATED"
        case 403: return "PERMISSION_DENIED"
        case 404: return "NOT_FOUND"
        case 409: return "ABORTED"
        case 429: return "RESOURCE_EXHAUSTED"
        case 499: return "CANCELLED"
        case 501: return "UNIMPLEMENTED"
        case 503: return "UNAVAILABLE"
        case 504: return "DEADLINE_EXCEEDED"
        case 500...: return "INTERNAL"
        case 400..<500: return "INVALID_ARGUMENT"
        default: return "UNKNOWN"
        }
    }
}
