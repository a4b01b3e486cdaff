import Foundation
import LyrebirdPluginAPI

extension Fault {
    /// The fault a request's `x-lyrebird-fault` header asks for: a kind's name
    /// (`disconnect`), or a fault as JSON or YAML flow (`{"kind": "error", "status": 503}`);
    /// or what is wrong with it.
    static func parse(header text: String) -> Result<Fault, ConfigurationError> {
        var decoder = ConfigDecoder(file: FaultStage.faultHeader)
        guard let fault = decoder.decodeStandaloneFault(text), decoder.problems.isEmpty else {
            return .failure(ConfigurationError(problems: decoder.problems))
        }
        return .success(fault)
    }

    /// The fault LiteLLM's `mock_response` sentinels stand for (`litellm.RateLimitError`,
    /// `litellm.InternalServerError`, `litellm.Timeout`, `Exception: content_filter_policy...`,
    /// `Exception: mock_streaming_error`), and its `mock_timeout: true`, so that callers who
    /// cannot send headers still reach the common failures.
    static func sentinel(in request: CanonicalRequest) -> Fault? {
        if request.body["mock_timeout"]?.boolValue == true { return Fault(.hang(milliseconds: nil)) }
        guard let text = request.mockResponse else { return nil }
        switch text {
        case "litellm.RateLimitError":
            return Fault(.error(ReplyError(status: 429, message: "this is a mock rate limit error", type: "rate_limit_error")))
        case "litellm.InternalServerError":
            return Fault(.error(ReplyError(status: 500, message: "this is a mock internal server error", type: "server_error")))
        case "litellm.Timeout":
            return Fault(.hang(milliseconds: nil))
        case _ where text.hasPrefix("Exception: content_filter_policy"):
            return Fault(.error(ReplyError(status: 400, message: text, type: "invalid_request_error", code: "content_filter")))
        case _ where text.hasPrefix("Exception: mock_streaming_error"):
            let error = ReplyError(status: 529, message: "This is a mock error raised mid-stream", type: "overloaded_error")
            return Fault(.streamError(error, afterEvents: 1))
        default:
            return nil
        }
    }

    /// The fault in words, for the journal.
    var summary: String {
        switch kind {
        case .error(let error): return "error \(error.status)"
        case .hang(let milliseconds): return milliseconds.map { "hang for \($0) ms" } ?? "hang until the client gives up"
        case .disconnect(.beforeHeaders): return "disconnect before the headers"
        case .disconnect(.afterEvents(let count)): return "disconnect after \(count) events"
        case .disconnect(.afterMilliseconds(let milliseconds)): return "disconnect after \(milliseconds) ms"
        case .truncate(let count): return count.map { "truncate after \($0) events" } ?? "truncate before the end"
        case .malformedJSON(let count): return "malformed JSON after \(count) events"
        case .malformedEvent(let count): return "malformed event after \(count) events"
        case .splitEvents(let split):
            switch split.boundary {
            case .bytes(let size): return "split writes every \(size) bytes"
            case .insideCharacter: return "split writes inside a UTF-8 character"
            case .betweenCRLF: return "split writes between \\r and \\n"
            }
        case .streamError(let error, let count): return "stream error \(error.status) after \(count) events"
        case .refusal: return "refusal"
        case .webSocketClose(let code, _): return "WebSocket close \(code)"
        }
    }
}

extension ConfigDecoder {
    /// One fault on its own, as a header gives it.
    mutating func decodeStandaloneFault(_ text: String) -> Fault? {
        guard text.utf8.count <= 4096 else {
            report(.init(""), key: FaultStage.faultHeader, "must be at most 4096 bytes")
            return nil
        }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if Self.faultKinds.contains(trimmed) { return decodeFault(.init(trimmed), path: FaultStage.faultHeader) }
        guard let node = compose(trimmed) else { return nil }
        return decodeFault(node, path: FaultStage.faultHeader)
    }
}

extension ReplyError {
    /// A request header the host reads whose value it cannot take.
    static func invalidHeader(_ name: String, _ problem: String) -> ReplyError {
        ReplyError(status: 400, message: "Header \(name): \(problem)", type: "invalid_request_error", param: name, code: "invalid_header")
    }
}
