import LyrebirdPluginAPI
import NIOCore
import NIOHTTP1

/// Why the connection guard answered a connection itself and closed it. It is also the error a
/// responder still reading the request's body receives, so that it stops.
enum ConnectionFailure: Error, Equatable {
    /// The request head did not arrive in time.
    case headerTimeout(TimeAmount)
    /// The request body did not arrive in time.
    case bodyTimeout(TimeAmount)
    /// The bytes are not an HTTP/1 request (the decoder's verdict).
    case malformed(HTTPParserError)
    /// An HTTP/1.1 request without a Host header, or any request with several.
    case badHost
    /// A transfer coding other than a single, final `chunked`.
    case unsupportedTransferEncoding(String)
    /// A chunked body that declares more than the limit.
    case bodyTooLarge(limit: Int)
    /// A request line without an HTTP version (HTTP/0.9).
    case versionMissing
    /// A request line ended by LF alone.
    case bareLineFeed

    /// The failure the framing tracker found in the bytes.
    init(_ refusal: RequestFramingTracker.Refusal, maxBodyBytes: Int) {
        switch refusal {
        case .bodyTooLarge: self = .bodyTooLarge(limit: maxBodyBytes)
        case .versionMissing: self = .versionMissing
        case .bareLineFeed: self = .bareLineFeed
        }
    }

    /// The reply the client gets, in the OpenAI error shape.
    var reply: ReplyError {
        switch self {
        case .headerTimeout(let limit):
            return ReplyError(
                status: 408, message: "The request head did not arrive within \(Self.seconds(limit)).",
                type: "invalid_request_error", code: "request_timeout")
        case .bodyTimeout(let limit):
            return ReplyError(
                status: 408, message: "The request body did not arrive within \(Self.seconds(limit)).",
                type: "invalid_request_error", code: "request_timeout")
        case .malformed(.headerOverflow):
            return ReplyError(
                status: 431, message: "The request head is larger than the limit.", type: "invalid_request_error",
                code: "headers_too_large")
        case .malformed(.invalidVersion), .malformed(.paused), .versionMissing:
            // The decoder pauses on the HTTP/2 connection preface (`PRI * HTTP/2.0`).
            return ReplyError(
                status: 505, message: "Only HTTP/1.0 and HTTP/1.1 are supported.", type: "invalid_request_error",
                code: "http_version_not_supported")
        case .malformed(.unknown), .malformed(.invalidInternalState):
            // The decoder says nothing more (an invalid Transfer-Encoding, a missing CR, ...).
            return ReplyError(
                status: 400, message: "The request is not valid HTTP/1.1.", type: "invalid_request_error", code: "malformed_request")
        case .malformed(let error):
            return ReplyError(
                status: 400, message: "The request is not valid HTTP/1.1: \(error.debugDescription).", type: "invalid_request_error",
                code: "malformed_request")
        case .bareLineFeed:
            return ReplyError(
                status: 400, message: "The request is not valid HTTP/1.1: its request line must end with CR LF.",
                type: "invalid_request_error", code: "malformed_request")
        case .badHost:
            return ReplyError(
                status: 400, message: "An HTTP/1.1 request needs exactly one Host header.", type: "invalid_request_error",
                code: "invalid_host_header")
        case .unsupportedTransferEncoding(let coding):
            return ReplyError(
                status: 501,
                message: "Transfer-Encoding \(coding.debugDescription) is not supported; send the body with Content-Length or as chunked.",
                type: "invalid_request_error", code: "unsupported_transfer_encoding")
        case .bodyTooLarge(let limit):
            return .requestTooLarge(limit: limit)
        }
    }

    private static func seconds(_ amount: TimeAmount) -> String {
        let milliseconds = amount.nanoseconds / 1_000_000
        if milliseconds % 1000 == 0 { return milliseconds == 1000 ? "1 second" : "\(milliseconds / 1000) seconds" }
        return "\(Double(milliseconds) / 1000) seconds"
    }
}
