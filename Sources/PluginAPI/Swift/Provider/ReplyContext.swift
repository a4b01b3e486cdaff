/// Facts about one reply that the host fixes before encoding starts, so that every chunk of a
/// stream agrees on them.
public struct ReplyContext: Sendable, Hashable, Codable {
    /// The id the host gave the request (sent as `x-request-id`).
    public var requestID: String
    /// Random alphanumerics for the provider's own ids (`chatcmpl-<idSuffix>`, `msg_<idSuffix>`).
    public var idSuffix: String
    /// Unix seconds when the reply was created.
    public var created: Int
    /// The same moment in Unix milliseconds, for formats that report finer times (a latency,
    /// a timestamp with a fraction). In JSON `created_ms`; a context from a host that does not
    /// send it reads it as `created` times 1000.
    public var createdMilliseconds: Int64
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
        promptTokens: Int,
        createdMilliseconds: Int64? = nil
    ) {
        self.requestID = requestID
        self.idSuffix = idSuffix
        self.created = created
        self.createdMilliseconds = createdMilliseconds ?? Int64(created) * 1000
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
        case createdMilliseconds = "created_ms"
    }

    /// Reads a context, also one from a host older than `created_ms`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            requestID: try container.decode(String.self, forKey: .requestID),
            idSuffix: try container.decode(String.self, forKey: .idSuffix),
            created: try container.decode(Int.self, forKey: .created), model: try container.decode(String.self, forKey: .model),
            systemFingerprint: try container.decode(String.self, forKey: .systemFingerprint),
            promptTokens: try container.decode(Int.self, forKey: .promptTokens),
            createdMilliseconds: try container.decodeIfPresent(Int64.self, forKey: .createdMilliseconds))
    }
}
