import LyrebirdPluginAPI

/// Ollama's `think`: `true`, `false`, or a level (`"low"`, `"medium"`, `"high"`, `"max"`). When a
/// request turns it on, the reply's reasoning is the message's `thinking` (chat) or the reply's
/// `thinking` (generate), whole and streamed before the content; otherwise it is left out.
enum OllamaThinking {
    static let levels: Set<String> = ["high", "medium", "low", "max"]

    /// Reads `think`, refusing anything else with Ollama's words.
    static func check(_ fields: OllamaObject) throws(ReplyError) {
        switch fields["think"] {
        case .none, .bool: return
        case .string(let level) where levels.contains(level): return
        case .string(let level):
            throw OllamaErrors.badRequest(
                "invalid think value: \"\(level)\" (must be \"high\", \"medium\", \"low\", \"max\", true, or false)", param: "think")
        default:
            throw OllamaErrors.badRequest(
                "think must be a boolean or string (\"high\", \"medium\", \"low\", \"max\", true, or false)", param: "think")
        }
    }

    /// Whether `request`, a decoded chat or generate request, turns thinking on.
    static func isOn(in request: CanonicalRequest) -> Bool {
        switch request.body["think"] {
        case .bool(let on): return on
        case .string(let level): return levels.contains(level)
        default: return false
        }
    }
}
