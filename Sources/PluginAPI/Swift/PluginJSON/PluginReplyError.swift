/// Decodes a reply error leniently, as plugins written by hand send it: only `status` and
/// `message` are required; `type` defaults from the status.
public struct PluginReplyError: Decodable, Sendable {
    /// The decoded error.
    public var error: ReplyError

    enum CodingKeys: String, CodingKey {
        case status, message, type, param, code
        case retryAfterMilliseconds = "retry_after_ms"
    }

    /// Decodes `{"status", "message", "type"?, "param"?, "code"?, "retry_after_ms"?}`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        error = ReplyError(
            status: try container.decode(Int.self, forKey: .status),
            message: try container.decode(String.self, forKey: .message),
            type: try container.decodeIfPresent(String.self, forKey: .type),
            param: try container.decodeIfPresent(String.self, forKey: .param),
            code: try container.decodeIfPresent(String.self, forKey: .code),
            retryAfterMilliseconds: try container.decodeIfPresent(Int.self, forKey: .retryAfterMilliseconds)
        )
    }
}
