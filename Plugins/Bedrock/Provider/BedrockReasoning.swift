import Foundation
import LyrebirdAnthropicProvider
import LyrebirdPluginAPI

/// Whether a Converse reply shows the model's reasoning. Converse has no setting of its own for
/// it: clients pass the model's in `additionalModelRequestFields`, Claude's `thinking` (`enabled`
/// with a `budget_tokens`, or `adaptive`) or Amazon Nova's `reasoningConfig` (`type: enabled`).
/// Either way the reasoning is shown as Claude's thinking is, with the same signature, so the
/// InvokeModel and Converse answers to one reply agree.
enum BedrockReasoning {
    /// The models' enum values, as the `ValidationException`s list them.
    private static let novaTypes = ["enabled", "disabled"]
    private static let novaEfforts = ["low", "medium", "high"]

    /// How a reply to `request`, whose settings ``check(_:maxTokens:)`` has passed, shows its
    /// reasoning.
    static func display(for request: CanonicalRequest) -> AnthropicThinking {
        guard let fields = request.body["additionalModelRequestFields"] else { return .hidden }
        if let thinking = fields["thinking"], !thinking.isNull { return AnthropicThinking(thinking: thinking) }
        return fields["reasoningConfig"]?["type"]?.stringValue == "enabled" ? .shown : .hidden
    }

    /// Checks the reasoning settings among `additionalModelRequestFields`. Bedrock hands
    /// `thinking` to Claude, whose objections it passes on in a `ValidationException` (`The model
    /// returned the following errors: ...`): the Anthropic plugin's own check words them.
    /// Claude also refuses thinking with a `toolChoice` that forces a tool (`any` or `tool`).
    /// `reasoningConfig` is checked against Nova's values.
    static func check(_ fields: BedrockObject?, maxTokens: Int?, toolChoice: ToolChoice) throws(ReplyError) {
        guard let fields else { return }
        if let thinking = fields["thinking"] {
            let thinks: Bool
            do {
                thinks = try AnthropicRequestDecoder.checkThinking(thinking, maxTokens: maxTokens)
            } catch {
                throw BedrockErrors.validation(
                    "The model returned the following errors: \(error.message)", path: error.param.map { path(of: $0, in: fields) })
            }
            if thinks && toolChoice.forcesCall {
                throw BedrockErrors.validation(
                    "The model returned the following errors: \(AnthropicRequestDecoder.forcedToolWhileThinking)",
                    path: "toolConfig.toolChoice")
            }
        }
        guard let config = try fields.object("reasoningConfig") else { return }
        let type = try config.requiredString("type")
        guard novaTypes.contains(type) else {
            throw BedrockErrors.constraint(config.path(of: "type"), value: .string(type), enumRule(novaTypes))
        }
        if let effort = try config.string("maxReasoningEffort"), !novaEfforts.contains(effort) {
            throw BedrockErrors.constraint(config.path(of: "maxReasoningEffort"), value: .string(effort), enumRule(novaEfforts))
        }
    }

    /// A redacted piece of reasoning as Converse's `redactedContent`, a blob, which JSON carries
    /// as base64: the client gets the canonical data's bytes, and sends back what it got.
    static func redactedContent(_ data: String) -> String {
        Data(data.utf8).base64EncodedString()
    }

    /// The request's path of a member Claude names: its `max_tokens` is Converse's
    /// `inferenceConfig.maxTokens`, the rest are within `additionalModelRequestFields`.
    private static func path(of parameter: String, in fields: BedrockObject) -> String {
        parameter == "max_tokens" ? "inferenceConfig.maxTokens" : fields.path(of: parameter)
    }

    private static func enumRule(_ values: [String]) -> String {
        "Member must satisfy enum value set: [\(values.joined(separator: ", "))]"
    }
}
