import LyrebirdPluginAPI

/// Gemini's thoughts: a reply's reasoning, shown as parts marked `"thought": true` before its
/// answer, whole and streamed, only when the request asks with
/// `generationConfig.thinkingConfig.includeThoughts: true`. Whether shown or not, the reasoning's
/// tokens are the usage's `thoughtsTokenCount`.
enum GeminiThoughts {
    /// Reads `generationConfig.thinkingConfig`, refusing members of the wrong type by name.
    static func check(_ generation: GeminiObject) throws(ReplyError) {
        guard let config = try generation.object("thinkingConfig") else { return }
        _ = try config.bool("includeThoughts")
        // -1 asks the model to choose, 0 turns thinking off; the real limits depend on the model.
        _ = try config.integer("thinkingBudget", in: -1...Int(Int32.max))
        _ = try config.string("thinkingLevel")
    }

    /// Whether `request`, a decoded `GenerateContentRequest`, asks to be shown thoughts. The
    /// decoder has checked the body, so anything unreadable here means no.
    static func areShown(in request: CanonicalRequest) -> Bool {
        guard case .object(let members) = request.body else { return false }
        let body = GeminiObject(members, request: "GenerateContentRequest")
        let config = try? body.object("generationConfig")?.object("thinkingConfig")
        return (try? config?.bool("includeThoughts")) == true
    }

    /// `{"text": ..., "thought": true}`.
    static func writePart(_ text: String, into writer: inout JSONWriter) {
        writer.object { writer in
            writer.member("text", text)
            writer.member("thought", true)
        }
    }
}
