import LyrebirdPluginAPI

extension CanonicalRequest {
    /// The API key the client sent, in whichever header its provider uses: `Authorization:
    /// Bearer` (OpenAI, Ollama clients), `x-api-key` (Anthropic), `x-goog-api-key` (Gemini),
    /// `api-key` (Azure OpenAI); `nil` without one.
    var apiKey: String? {
        APIKey.find { header($0) }
    }
}

extension CanonicalRequest {
    /// The context that keeps parallel tests apart: the `x-lyrebird-context` header, else
    /// `x-test-id`, else the API key, else one shared context, `global`. Sequences, hit counts
    /// and journal queries are kept per context.
    var contextID: String {
        ContextID.find({ header($0) }, apiKey: apiKey)
    }
}

extension WireRequest {
    /// The context of a request that was never decoded (one the quota stage refused), as its
    /// canonical request would tell it.
    var contextID: String {
        ContextID.find({ header($0) }, apiKey: apiKey)
    }
}

/// The one rule for a request's context.
enum ContextID {
    static func find(_ header: (String) -> String?, apiKey: String?) -> String {
        for name in ["x-lyrebird-context", "x-test-id"] {
            if let value = header(name), !value.isEmpty { return value }
        }
        return apiKey ?? "global"
    }
}
