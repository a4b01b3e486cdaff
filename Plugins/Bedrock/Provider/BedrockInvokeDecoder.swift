import LyrebirdAnthropicProvider
import LyrebirdPluginAPI

/// Reads an InvokeModel (or InvokeModelWithResponseStream) body. The body is the model
/// family's own; the one served is Anthropic's Messages body as Bedrock takes it
/// (`anthropic_version: bedrock-2023-05-31`, `messages`, `max_tokens`, `system`, `tools`,
/// `tool_choice`, ...; the model is the path's, and whether to stream is the operation's), read
/// by the Anthropic plugin's own decoder. Any other body gets a `ValidationException` saying so.
enum BedrockInvokeDecoder {
    /// The `anthropic_version` Bedrock documents for the Messages API.
    static let anthropicVersion = "bedrock-2023-05-31"

    static func decode(_ request: WireRequest, model: String, operation: String, stream: Bool) throws(ReplyError) -> CanonicalRequest {
        let fields: RequestFields
        do {
            fields = try RequestFields(parsing: request.body)
        } catch {
            throw BedrockErrors.validation("Malformed input request: \(error.message) Please reformat your input and try again.", path: nil)
        }
        guard let version = fields["anthropic_version"] else {
            throw BedrockErrors.validation(
                "Malformed input request: InvokeModel is served for Anthropic Messages bodies, which carry "
                    + "\"anthropic_version\": \"\(anthropicVersion)\" with \"messages\" and \"max_tokens\"; this body has no "
                    + "anthropic_version. Other model families' bodies are not supported: use Converse for them.",
                path: "anthropic_version")
        }
        guard case .string = version else {
            throw BedrockErrors.wrongType("anthropic_version", version, expected: "a string")
        }
        var canonical: CanonicalRequest
        do {
            canonical = try AnthropicRequestDecoder.decode(
                fields, headers: request.headers, operation: operation, countOnly: false, model: model)
        } catch {
            // Anthropic's own wording (`messages.0.role: Input should be 'user' or 'assistant'`), as
            // Bedrock passes it on, in a ValidationException.
            throw BedrockErrors.validation(error.message, path: error.param)
        }
        canonical.stream = stream
        return canonical
    }
}
