import LyrebirdAnthropicProvider
import LyrebirdPluginAPI

/// Writes what Converse replies and ConverseStream events share: content blocks, the stop
/// reason, usage and metrics.
enum BedrockConverseWriter {
    /// A whole Converse response: `output.message` (the reply's reasoning as `reasoningContent`
    /// blocks when `reasoning` shows it, the assistant's text block, when it has text or nothing
    /// else, then a `toolUse` block per call), `stopReason`, `usage` and `metrics`.
    static func response(_ reply: CompletedReply, reasoning: AnthropicThinking, context: ReplyContext) -> [UInt8] {
        let choice = reply.choices.first ?? CompletedReply.Choice(index: 0)
        var writer = JSONWriter(reservingCapacity: 512)
        writer.object { writer in
            writer.member(
                "output",
                object: { writer in
                    writer.member(
                        "message",
                        object: { writer in
                            writer.member("role", "assistant")
                            writer.member("content", array: { writer in writeContent(of: choice, reasoning: reasoning, into: &writer) })
                        })
                })
            writer.member("stopReason", stopReason(choice.finishReason))
            writer.key("usage")
            writeUsage(reply.usage, into: &writer)
            writer.key("metrics")
            writeMetrics(context, into: &writer)
        }
        return writer.bytes
    }

    private static func writeContent(of choice: CompletedReply.Choice, reasoning: AnthropicThinking, into writer: inout JSONWriter) {
        if reasoning != .hidden {
            if !choice.reasoning.isEmpty {
                writer.object { writer in
                    writer.member(
                        "reasoningContent",
                        object: { writer in
                            writer.member(
                                "reasoningText",
                                object: { writer in
                                    writer.member("text", reasoning == .omitted ? "" : choice.reasoning)
                                    writer.member("signature", AnthropicThinking.signature(of: choice.reasoning))
                                })
                        })
                }
            }
            for data in choice.redactedReasoning {
                writer.object { writer in
                    writer.member(
                        "reasoningContent", object: { writer in writer.member("redactedContent", BedrockReasoning.redactedContent(data)) })
                }
            }
        }
        if !choice.text.isEmpty || choice.toolCalls.isEmpty {
            writer.object { writer in writer.member("text", choice.text) }
        }
        for call in choice.toolCalls {
            writer.object { writer in
                writer.member(
                    "toolUse",
                    object: { writer in
                        writer.member("toolUseId", call.id)
                        writer.member("name", call.name)
                        writer.member("input", toolInput(call.arguments))
                    })
            }
        }
    }

    /// A tool's input is a JSON document; canonical arguments travel as JSON text, and text
    /// that is not a JSON object becomes `{}` (a model never sends anything else).
    static func toolInput(_ arguments: String) -> JSONValue {
        guard let value = try? JSONValue.parse(arguments), case .object = value else { return .object([:]) }
        return value
    }

    /// `{"inputTokens", "outputTokens", "totalTokens"}`, with `cacheReadInputTokens` when the
    /// prompt was partly cached.
    static func writeUsage(_ usage: Usage, into writer: inout JSONWriter) {
        writer.object { writer in
            writer.member("inputTokens", usage.promptTokens)
            writer.member("outputTokens", usage.completionTokens)
            writer.member("totalTokens", usage.totalTokens)
            if usage.cachedTokens > 0 { writer.member("cacheReadInputTokens", usage.cachedTokens) }
        }
    }

    /// `{"latencyMs": N}`: the time since the request arrived.
    static func writeMetrics(_ context: ReplyContext, into writer: inout JSONWriter) {
        writer.object { writer in writer.member("latencyMs", BedrockClock.millisecondsSince(context)) }
    }

    /// Converse's `stopReason` for a canonical finish reason.
    static func stopReason(_ reason: FinishReason) -> String {
        switch reason {
        case .stop: return "end_turn"
        case .length: return "max_tokens"
        case .toolCalls: return "tool_use"
        case .contentFilter: return "content_filtered"
        }
    }
}
