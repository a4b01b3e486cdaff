import LyrebirdPluginAPI

/// Writes the parts of a `GenerateContentResponse` that whole replies and stream chunks share.
enum GeminiResponseWriter {
    /// `{"candidates": [...], "usageMetadata": {...}, "modelVersion", "responseId"}`.
    static func writeResponse(
        into writer: inout JSONWriter, context: ReplyContext, candidates: (inout JSONWriter) -> Void, usage: (inout JSONWriter) -> Void
    ) {
        writer.object { writer in
            writer.member("candidates", array: candidates)
            writer.key("usageMetadata")
            usage(&writer)
            writer.member("modelVersion", context.model)
            writer.member("responseId", context.idSuffix)
        }
    }

    /// One candidate: `content` with `parts` and the `model` role, then `finishReason` when the
    /// candidate is complete, and its `index`.
    static func writeCandidate(
        into writer: inout JSONWriter, index: Int, finishReason: FinishReason?, parts: (inout JSONWriter) -> Void
    ) {
        writer.object { writer in
            writer.member(
                "content",
                object: { writer in
                    writer.member("parts", array: parts)
                    writer.member("role", "model")
                })
            if let finishReason { writer.member("finishReason", name(of: finishReason)) }
            writer.member("index", index)
        }
    }

    /// `{"text": ...}`.
    static func writeText(_ text: String, into writer: inout JSONWriter) {
        writer.object { writer in writer.member("text", text) }
    }

    /// `{"functionCall": {"id", "name", "args"}}`. Gemini's arguments are an object; canonical
    /// arguments that are not a JSON object become `{}`, as a model never sends anything else.
    static func writeFunctionCall(_ call: ToolCall, into writer: inout JSONWriter) {
        writer.object { writer in
            writer.member(
                "functionCall",
                object: { writer in
                    writer.member("id", call.id)
                    writer.member("name", call.name)
                    let arguments = try? JSONValue.parse(call.arguments)
                    writer.member("args", arguments?.objectValue.map(JSONValue.object) ?? .object([:]))
                })
        }
    }

    /// The parts of a whole choice: its reasoning as a thought when `showingThoughts`, its text
    /// (when it has any, or nothing else), then its calls.
    static func writeParts(of choice: CompletedReply.Choice, showingThoughts: Bool, into writer: inout JSONWriter) {
        if showingThoughts, !choice.reasoning.isEmpty { GeminiThoughts.writePart(choice.reasoning, into: &writer) }
        if !choice.text.isEmpty || choice.toolCalls.isEmpty { writeText(choice.text, into: &writer) }
        for call in choice.toolCalls { writeFunctionCall(call, into: &writer) }
    }

    /// The whole reply's `usageMetadata`. Reasoning tokens are Gemini's `thoughtsTokenCount`,
    /// which `candidatesTokenCount` leaves out and the total includes.
    static func writeUsage(_ usage: Usage, into writer: inout JSONWriter) {
        writer.object { writer in
            writer.member("promptTokenCount", usage.promptTokens)
            writer.member("candidatesTokenCount", usage.completionTokens - usage.reasoningTokens)
            writer.member("totalTokenCount", usage.totalTokens)
            if usage.cachedTokens > 0 { writer.member("cachedContentTokenCount", usage.cachedTokens) }
            if usage.reasoningTokens > 0 { writer.member("thoughtsTokenCount", usage.reasoningTokens) }
            writer.member("promptTokensDetails", array: { writer in writeModality(usage.promptTokens, into: &writer) })
        }
    }

    /// What a stream chunk reports before the reply is complete: the prompt alone.
    static func writePromptUsage(_ promptTokens: Int, into writer: inout JSONWriter) {
        writer.object { writer in
            writer.member("promptTokenCount", promptTokens)
            writer.member("totalTokenCount", promptTokens)
            writer.member("promptTokensDetails", array: { writer in writeModality(promptTokens, into: &writer) })
        }
    }

    private static func writeModality(_ tokens: Int, into writer: inout JSONWriter) {
        writer.object { writer in
            writer.member("modality", "TEXT")
            writer.member("tokenCount", tokens)
        }
    }

    /// Gemini's `finishReason`. Gemini ends a turn of function calls with `STOP`.
    static func name(of reason: FinishReason) -> String {
        switch reason {
        case .stop, .toolCalls: return "STOP"
        case .length: return "MAX_TOKENS"
        case .contentFilter: return "SAFETY"
        }
    }
}
