import LyrebirdPluginAPI

/// Writes the parts of an Anthropic Message object that whole replies and streams share.
package enum AnthropicMessageWriter {
    /// `msg_<suffix>`, the same for every event of one reply.
    package static func messageID(_ context: ReplyContext) -> String { "msg_" + context.idSuffix }

    /// A whole Message; `write` writes the content blocks and `usage` the usage object.
    package static func writeMessage(
        into writer: inout JSONWriter, id: String, model: String, write content: (inout JSONWriter) -> Void, stopReason: String?,
        usage: (inout JSONWriter) -> Void
    ) {
        writer.object { writer in
            writer.member("id", id)
            writer.member("type", "message")
            writer.member("role", "assistant")
            writer.member("model", model)
            writer.member("content", array: content)
            writer.member("stop_reason", stopReason)
            writer.nullMember("stop_sequence")
            writer.key("usage")
            usage(&writer)
        }
    }

    /// The content blocks of a choice: its reasoning as `thinking` and `redacted_thinking` blocks
    /// when the request enabled thinking, its text (when any), then one `tool_use` per call.
    package static func writeContent(of choice: CompletedReply.Choice, thinking: AnthropicThinking, into writer: inout JSONWriter) {
        if thinking != .hidden {
            if !choice.reasoning.isEmpty {
                writer.object { writer in
                    writer.member("type", "thinking")
                    writer.member("thinking", thinking == .omitted ? "" : choice.reasoning)
                    writer.member("signature", AnthropicThinking.signature(of: choice.reasoning))
                }
            }
            for data in choice.redactedReasoning {
                writer.object { writer in
                    writer.member("type", "redacted_thinking")
                    writer.member("data", data)
                }
            }
        }
        if !choice.text.isEmpty || choice.toolCalls.isEmpty {
            writer.object { writer in
                writer.member("type", "text")
                writer.member("text", choice.text)
            }
        }
        for call in choice.toolCalls {
            writer.object { writer in
                writer.member("type", "tool_use")
                writer.member("id", call.id)
                writer.member("name", call.name)
                writer.member("input", toolInput(call.arguments))
            }
        }
    }

    /// Tool arguments travel as JSON text in the canonical model; a Message carries them as an
    /// object. Text that is not a JSON object becomes `{}` (a model never sends anything else).
    package static func toolInput(_ arguments: String) -> JSONValue {
        guard let value = try? JSONValue.parse(arguments), case .object = value else { return .object([:]) }
        return value
    }

    package static func writeUsage(_ usage: Usage, into writer: inout JSONWriter) {
        writer.object { writer in
            writer.member("input_tokens", usage.promptTokens)
            writer.member("cache_creation_input_tokens", 0)
            writer.member("cache_read_input_tokens", usage.cachedTokens)
            writer.member("output_tokens", usage.completionTokens)
        }
    }

    /// The Anthropic `stop_reason` for a canonical finish reason.
    package static func stopReason(_ reason: FinishReason) -> String {
        switch reason {
        case .stop: return "end_turn"
        case .length: return "max_tokens"
        case .toolCalls: return "tool_use"
        case .contentFilter: return "refusal"
        }
    }
}
