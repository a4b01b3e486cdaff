/// A failure to send to the client, in provider-neutral terms.
///
/// Providers render it in their own error shape; `kind` is the OpenAI `type` and providers map
/// it to their own vocabulary.
public struct ReplyError: Error, Sendable, Hashable, Codable {
    /// The HTTP status.
    public var status: Int
    /// A sentence that names the problem.
    public var message: String
    /// The error type (OpenAI vocabulary: `invalid_request_error`, `rate_limit_exceeded`, ...).
    public var type: String
    /// The request parameter at fault, if there is one.
    public var param: String?
    /// A machine-readable code, if there is one.
    public var code: String?
    /// When set, clients are invited to retry after this many milliseconds; when `nil` they are
    /// told not to retry, so each failing call is one request.
    public var retryAfterMilliseconds: Int?

    /// Creates an error. `type` defaults from the status (see ``defaultType(forStatus:)``).
    public init(
        status: Int,
        message: String,
        type: String? = nil,
        param: String? = nil,
        code: String? = nil,
        retryAfterMilliseconds: Int? = nil
    ) {
        self.status = status
        self.message = message
        self.type = type ?? ReplyError.defaultType(forStatus: status)
        self.param = param
        self.code = code
        self.retryAfterMilliseconds = retryAfterMilliseconds
    }

    enum CodingKeys: String, CodingKey {
        case status, message, type, param, code
        case retryAfterMilliseconds = "retry_after_ms"
    }

    /// The OpenAI error type a status has when nothing more specific is known.
    public static func defaultType(forStatus status: Int) -> String {
        switch status {
        case 401: return "authentication_error"
        case 403: return "permission_error"
        case 404: return "invalid_request_error"
        case 429: return "requests"
        case 500...: return "server_error"
        default: return "invalid_request_error"
        }
    }

    /// A 400 for a parameter that is missing or wrong.
    public static func invalidParameter(_ param: String?, _ message: String, code: String? = nil) -> ReplyError {
        ReplyError(status: 400, message: message, type: "invalid_request_error", param: param, code: code)
    }
}
