import LyrebirdPluginAPI

/// Bedrock's errors: the HTTP status, an `x-amzn-ErrorType` header naming the exception
/// (`ThrottlingException:<namespace>`, of which botocore keeps the part before the colon as the
/// `ClientError`'s `Error.Code`), and the body `{"message": "..."}`, which becomes its
/// `Error.Message`. A stream that fails part way sends an exception message instead (see
/// ``streamException(for:operation:)``).
enum BedrockErrors {
    /// What follows the exception's name in `x-amzn-ErrorType`, as AWS's services send it.
    static let errorTypeNamespace = "http://internal.amazon.com/coral/com.amazon.bedrock/"

    /// The whole error response.
    static func response(for error: ReplyError, requestID: String) -> WireResponse {
        var headers = [
            Header(name: "x-amzn-RequestId", value: requestID),
            Header(name: "x-amzn-ErrorType", value: exceptionName(for: error) + ":" + errorTypeNamespace),
        ]
        if let delay = error.retryAfterMilliseconds {
            // Whole seconds, rounded up: what an HTTP client reads.
            headers.append(Header(name: "retry-after", value: String((delay + 999) / 1000)))
        }
        return WireResponse(status: error.status, headers: headers, body: body(message: error.message))
    }

    /// `{"message": "..."}`.
    static func body(message: String) -> [UInt8] {
        var writer = JSONWriter()
        writer.object { writer in writer.member("message", message) }
        return writer.bytes
    }

    /// The exception an error is, by the status it has: a fixture's `code` that names an
    /// exception (`ModelNotReadyException`, `ServiceQuotaExceededException`) is taken as it is.
    static func exceptionName(for error: ReplyError) -> String {
        if let code = error.code, isExceptionName(code) { return code }
        // The host's own 404 and 405 for paths and methods nothing serves.
        if error.code == "unknown_url" || error.code == "method_not_allowed" { return "UnknownOperationException" }
        switch error.status {
        case 401: return "UnrecognizedClientException"
        case 403: return "AccessDeniedException"
        case 404: return "ResourceNotFoundException"
        case 408: return "ModelTimeoutException"
        case 424: return "ModelErrorException"
        case 429: return "ThrottlingException"
        case 503: return "ServiceUnavailableException"
        case 500...: return "InternalServerException"
        default: return "ValidationException"
        }
    }

    /// Whether `code` reads as an exception's name: letters and digits, a capital first and
    /// `Exception` last, at most 64 characters.
    static func isExceptionName(_ code: String) -> Bool {
        let utf8 = code.utf8
        guard utf8.count <= 64, code.hasSuffix("Exception"), let first = utf8.first, (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(first)
        else { return false }
        return utf8.allSatisfy { byte in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
    }

    // MARK: Streams

    /// The exceptions each streamed operation's event stream declares, by their member names.
    static func streamExceptions(forStreamOf operation: String) -> Set<String> {
        let shared: Set<String> = [
            "internalServerException", "modelStreamErrorException", "validationException", "throttlingException",
            "serviceUnavailableException",
        ]
        return operation == BedrockProvider.invokeStream ? shared.union(["modelTimeoutException"]) : shared
    }

    /// The exception message a stream that fails part way ends with: the exception its status
    /// names when the operation's stream declares it (`throttlingException`), else a
    /// `modelStreamErrorException` carrying the original status and message.
    static func streamException(for error: ReplyError, operation: String) -> EventStreamMessage {
        let name = exceptionName(for: error)
        let member = name.prefix(1).lowercased() + name.dropFirst()
        if streamExceptions(forStreamOf: operation).contains(member) {
            return .exception(member, payload: body(message: error.message))
        }
        var writer = JSONWriter()
        writer.object { writer in
            writer.member("message", error.message)
            writer.member("originalStatusCode", error.status)
            writer.member("originalMessage", error.message)
        }
        return .exception("modelStreamErrorException", payload: writer.bytes)
    }

    // MARK: Validation

    /// A 400 `ValidationException` about the member at `path`.
    static func validation(_ message: String, path: String?) -> ReplyError {
        ReplyError(status: 400, message: message, type: "invalid_request_error", param: path)
    }

    /// A constraint the member at `path` fails, in AWS's words: `1 validation error detected:
    /// Value '2.5' at 'inferenceConfig.temperature' failed to satisfy constraint: Member must
    /// have value less than or equal to 1`.
    static func constraint(_ path: String, value: JSONValue?, _ rule: String) -> ReplyError {
        validation("1 validation error detected: Value \(describe(value)) at '\(path)' failed to satisfy constraint: \(rule)", path: path)
    }

    /// The member at `path` is required and absent.
    static func missing(_ path: String) -> ReplyError {
        constraint(path, value: nil, "Member must not be null")
    }

    /// The member at `path` has the wrong JSON type.
    static func wrongType(_ path: String, _ value: JSONValue, expected: String) -> ReplyError {
        constraint(path, value: value, "Member must be \(expected)")
    }

    /// A value as AWS quotes it in a message, cut short: a long value would only bloat the error.
    private static func describe(_ value: JSONValue?) -> String {
        guard let value, !value.isNull else { return "null" }
        let text: String
        if case .string(let string) = value { text = string } else { text = value.serialized }
        return text.count > 64 ? "'\(text.prefix(64))...'" : "'\(text)'"
    }
}
