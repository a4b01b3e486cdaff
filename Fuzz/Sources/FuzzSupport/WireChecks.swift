import LyrebirdPluginAPI

/// What every response must look like, whatever the request was.
public enum WireChecks {
    /// The message of an error body in OpenAI's shape (`{"error": {"message"}}`), Anthropic's
    /// (`{"type": "error", "error": {"message"}}`), Gemini's (`{"error": {"code", "message",
    /// "status"}}`) or Ollama's (`{"error": "<message>"}`), or `nil` when it is none of them.
    public static func errorMessage(_ body: [UInt8]) -> String? {
        guard let json = try? JSONValue.parse(body) else { return nil }
        return json["error"]?["message"]?.stringValue ?? json["error"]?.stringValue
    }

    /// Checks that `response` is well formed: a success or an error status, an error body in
    /// a provider's shape, JSON bodies that parse, and server-sent events whose data parse.
    public static func requireWellFormed(_ response: WireResponse, request: [UInt8]) {
        let status = response.status
        require(
            (200...299).contains(status) || (400...599).contains(status),
            "status \(status) for request \(excerpt(request))")
        if status >= 400 {
            require(
                errorMessage(response.body) != nil,
                "status \(status) without an error body: \(excerpt(response.body)) for request \(excerpt(request))")
        }
        if response.contentType.hasPrefix("application/json") {
            require(
                (try? JSONValue.parse(response.body)) != nil,
                "a JSON response that does not parse: \(excerpt(response.body)) for request \(excerpt(request))")
        } else if response.contentType.hasPrefix("text/event-stream") {
            for line in response.body.split(separator: UInt8(ascii: "\n")) where line.starts(with: Array("data: ".utf8)) {
                let data = Array(line.dropFirst(6))
                require(
                    data == Array("[DONE]".utf8) || (try? JSONValue.parse(data)) != nil,
                    "a stream event whose data does not parse: \(excerpt(data)) for request \(excerpt(request))")
            }
        }
    }
}
