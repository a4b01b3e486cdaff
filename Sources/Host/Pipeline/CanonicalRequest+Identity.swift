import LyrebirdPluginAPI

extension CanonicalRequest {
    /// The API key the client sent, in whichever header its provider uses: `Authorization:
    /// Bearer` (OpenAI, Ollama clients), `x-api-key` (Anthropic), `x-goog-api-key` (Gemini),
    /// `api-key` (Azure OpenAI); `nil` without one.
    var apiKey: String? {
        if let authorization = header("authorization") {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                let key = parts[1].trimmingPrefix(while: { $0 == " " })
                if !key.isEmpty { return String(key) }
            }
        }
        for name in ["x-api-key", "x-goog-api-key", "api-key"] {
            if let key = header(name), !key.isEmpty { return key }
        }
        return nil
    }
}

extension CanonicalRequest {
    /// The context that keeps parallel tests apart: the `x-lyrebird-context` header, else
    /// `x-test-id`, else the API key, else one shared context, `global`. Sequences, hit counts
    /// and journal queries are kept per context.
    var contextID: String {
        for name in ["x-lyrebird-context", "x-test-id"] {
            if let value = header(name), !value.isEmpty { return value }
        }
        return apiKey ?? "global"
    }
}

extension Substring {
    fileprivate func trimmingPrefix(while predicate: (Character) -> Bool) -> Substring {
        self[(firstIndex(where: { !predicate($0) }) ?? endIndex)...]
    }
}
