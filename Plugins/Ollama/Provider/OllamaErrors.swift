import LyrebirdPluginAPI

/// Ollama's error shape: `{"error": "<message>"}` with the status. The Python client raises
/// `ollama.ResponseError` with `error` and `status_code` from it; a line of this shape in a
/// stream ends the stream with the same exception.
enum OllamaErrors {
    static func badRequest(_ message: String, param: String?) -> ReplyError {
        ReplyError(status: 400, message: message, type: "invalid_request_error", param: param)
    }

    static func response(for error: ReplyError) -> WireResponse {
        WireResponse(status: error.status, body: body(for: error))
    }

    static func body(for error: ReplyError) -> [UInt8] {
        var writer = JSONWriter()
        writer.object { writer in writer.member("error", error.message) }
        return writer.bytes
    }
}
