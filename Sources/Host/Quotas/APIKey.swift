import LyrebirdPluginAPI

/// Where clients send their API key: `Authorization: Bearer` (OpenAI, Ollama clients),
/// `x-api-key` (Anthropic), `x-goog-api-key` (Gemini), `api-key` (Azure OpenAI).
enum APIKey {
    /// The key among the headers `header` reads, or `nil`.
    static func find(_ header: (String) -> String?) -> String? {
        if let authorization = header("authorization") {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                let key = parts[1].drop { $0 == " " }
                if !key.isEmpty { return String(key) }
            }
        }
        for name in ["x-api-key", "x-goog-api-key", "api-key"] {
            if let key = header(name), !key.isEmpty { return key }
        }
        return nil
    }
}

extension WireRequest {
    /// The API key the request carries: in a header, or Gemini's `?key=`.
    var apiKey: String? {
        APIKey.find { header($0) } ?? queryItem("key").flatMap { $0.isEmpty ? nil : $0 }
    }
}
