import Foundation
import LyrebirdPluginAPI

/// Writes the objects of Ollama's chat and generate replies: whole, or one per line of a stream.
///
/// Every object starts with `model` and `created_at`; a chat object carries a `message`, a
/// generate object a `response`. The last has `done: true`, the `done_reason` and the counts
/// and durations. The counts are the host's; the durations are nominal, derived from them as if
/// the model loaded in a millisecond, read the prompt at 1000 tokens a second and wrote at 100.
struct OllamaResponseWriter {
    /// What a reply answers.
    enum Kind {
        case chat, generate
    }

    let kind: Kind
    let model: String
    /// The reply's creation time in RFC 3339, as Ollama writes it.
    let createdAt: String
    /// Whether the request turned `think` on, so that the reasoning is shown as `thinking`.
    let showsThinking: Bool

    init(kind: Kind, context: ReplyContext, showsThinking: Bool) {
        self.kind = kind
        self.model = context.model
        self.createdAt = Date(timeIntervalSince1970: TimeInterval(context.created)).formatted(.iso8601)
        self.showsThinking = showsThinking
    }

    /// An object that is not the last: a piece of thinking or of text, or (chat) tool calls with
    /// empty content.
    func writePiece(text: String, thinking: String = "", toolCalls: [ToolCall] = [], into writer: inout JSONWriter) {
        writer.object { writer in
            writeHead(text: text, thinking: thinking, toolCalls: toolCalls, into: &writer)
            writer.member("done", false)
        }
    }

    /// The last object: the text, thinking and tool calls it still carries, then `done`, the
    /// reason and the counts.
    func writeLast(
        text: String, thinking: String = "", toolCalls: [ToolCall], reason: FinishReason, usage: Usage, into writer: inout JSONWriter
    ) {
        writer.object { writer in
            writeHead(text: text, thinking: thinking, toolCalls: toolCalls, into: &writer)
            writer.member("done", true)
            // Ollama ends on "stop" or "length"; tool calls and filtered replies end on "stop".
            writer.member("done_reason", reason == .length ? "length" : "stop")
            let load = 1_000_000
            let promptEval = usage.promptTokens * 1_000_000
            let eval = usage.completionTokens * 10_000_000
            writer.member("total_duration", load + promptEval + eval)
            writer.member("load_duration", load)
            writer.member("prompt_eval_count", usage.promptTokens)
            writer.member("prompt_eval_duration", promptEval)
            writer.member("eval_count", usage.completionTokens)
            writer.member("eval_duration", eval)
        }
    }

    /// `model`, `created_at`, and the reply's part: `response` and `thinking` for generate, a
    /// `message` for chat. `thinking` is left out when empty or not asked for, as Ollama leaves it.
    private func writeHead(text: String, thinking: String, toolCalls: [ToolCall], into writer: inout JSONWriter) {
        writer.member("model", model)
        writer.member("created_at", createdAt)
        let thinking = showsThinking && !thinking.isEmpty ? thinking : nil
        switch kind {
        case .generate:
            // Generate has no tool calls; a reply written for chat sends its text.
            writer.member("response", text)
            if let thinking { writer.member("thinking", thinking) }
        case .chat:
            writer.member(
                "message",
                object: { writer in
                    writer.member("role", "assistant")
                    writer.member("content", text)
                    if let thinking { writer.member("thinking", thinking) }
                    if !toolCalls.isEmpty {
                        writer.member(
                            "tool_calls",
                            array: { writer in
                                for (index, call) in toolCalls.enumerated() { Self.writeToolCall(call, index: index, into: &writer) }
                            })
                    }
                })
        }
    }

    /// `{"id", "function": {"index", "name", "arguments"}}`. Ollama's arguments are an object;
    /// canonical arguments that are not a JSON object become `{}`.
    private static func writeToolCall(_ call: ToolCall, index: Int, into writer: inout JSONWriter) {
        writer.object { writer in
            writer.member("id", call.id)
            writer.member(
                "function",
                object: { writer in
                    writer.member("index", index)
                    writer.member("name", call.name)
                    let arguments = try? JSONValue.parse(call.arguments)
                    writer.member("arguments", arguments?.objectValue.map(JSONValue.object) ?? .object([:]))
                })
        }
    }
}
