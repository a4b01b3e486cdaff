/// Facts about one reply that the host fixes before encoding starts, so that every chunk of a
/// stream agrees on them.
public struct ReplyContext: Sendable, Hashable, Codable {
    /// The id the host gave the request (sent as `x-request-id`).
    public var requestID: String
    /// Random alphanumerics for the provider's own ids (`chatcmpl-<idSuffix>`, `msg_<idSuffix>`).
    public var idSuffix: String
    /// Unix seconds when the reply was created.
    public var created: Int
    /// The model id to report.
    public var model: String
    /// The fingerprint to report where the format has one.
    public var systemFingerprint: String
    /// Prompt tokens as the host counted them, for formats that report them before the reply.
    public var promptTokens: Int

    /// Creates a reply context. The host makes one per request; providers make their own only in
    /// tests.
    public init(
        requestID: String,
        idSuffix: String,
        created: Int,
        model: String,
        systemFingerprint: String,
        promptTokens: Int
    ) {
        self.requestID = requestID
        self.idSuffix = idSuffix
        self.created = created
        self.model = model
        self.systemFingerprint = systemFingerprint
        self.promptTokens = promptTokens
    }

    enum CodingKeys: String, CodingKey {
        case requestID = "request_id"
        case idSuffix = "id_suffix"
        case created, model
        case systemFingerprint = "system_fingerprint"
        case promptTokens = "prompt_tokens"
    }
}
