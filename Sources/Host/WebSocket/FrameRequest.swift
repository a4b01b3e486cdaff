import LyrebirdPluginAPI

/// The request one client message carries, read by the route's WebSocket framing.
struct FrameRequest: Sendable {
    /// Requests on the same lane run one after another, in the order they arrived; requests on
    /// different lanes run side by side. The lane is the `stream_id` (events framing; none is a
    /// lane too) or the `id` (envelope).
    let lane: String
    /// How the reply's messages look.
    let shape: FrameShape
    /// The request body for the provider's `decode`: the request as the message gave it, with
    /// `"stream": true`, since replies on a WebSocket are always streamed.
    let body: [UInt8]

    /// Reads a client message.
    ///
    /// - Throws: `FrameRefusal` when the message is not a request in the route's framing.
    static func read(_ message: [UInt8], framing: WebSocketFraming) throws(FrameRefusal) -> FrameRequest {
        let unnamed: FrameShape
        switch framing {
        case .events: unnamed = FrameShape(style: .events(streamID: nil))
        case .envelope(let prefix): unnamed = FrameShape(style: .envelope(prefix: prefix, id: nil))
        }
        let value: JSONValue
        do {
            // The envelope holds the request one level down: a request as deep as an HTTP body
            // may be still fits.
            value = try JSONValue.parse(message, maximumDepth: JSONValue.defaultMaximumDepth + 1)
        } catch {
            throw FrameRefusal(
                .invalidParameter(nil, "We could not parse the JSON of your message (\(error.message)).", code: "invalid_json"),
                shape: unnamed)
        }
        guard case .object(let members) = value else {
            throw FrameRefusal(
                .invalidParameter(nil, "A message must be a JSON object, but got \(value.typeName) instead.", code: "invalid_json"),
                shape: unnamed)
        }
        switch framing {
        case .events(let requestType):
            return try events(members, requestType: requestType)
        case .envelope(let prefix):
            return try envelope(members, prefix: prefix)
        }
    }

    /// `{"type": requestType, "stream_id"?: ..., ...the request's own members}`.
    private static func events(_ members: [String: JSONValue], requestType: String) throws(FrameRefusal) -> FrameRequest {
        var streamID: String?
        if let value = members["stream_id"], !value.isNull {
            guard let text = value.stringValue, (1...256).contains(text.utf8.count), text.utf8.allSatisfy(isLaneCharacter) else {
                throw FrameRefusal(
                    .invalidParameter(
                        "stream_id", "Invalid 'stream_id': expected 1 to 256 characters of letters, digits, '_', '.' and '-'.",
                        code: "invalid_value"),
                    shape: FrameShape(style: .events(streamID: nil)))
            }
            streamID = text
        }
        let shape = FrameShape(style: .events(streamID: streamID))
        try checkType(members, expected: requestType, shape: shape)
        var request = members
        request["type"] = nil
        request["stream_id"] = nil
        request["stream"] = true
        return FrameRequest(lane: "stream:" + (streamID ?? ""), shape: shape, body: bytes(request))
    }

    /// `{"type": "<prefix>.request", "id": "...", "request": {...}}`.
    private static func envelope(_ members: [String: JSONValue], prefix: String) throws(FrameRefusal) -> FrameRequest {
        let id = members["id"]?.stringValue
        let shape = FrameShape(style: .envelope(prefix: prefix, id: id))
        try checkType(members, expected: prefix + ".request", shape: shape)
        guard let id, (1...256).contains(id.utf8.count) else {
            throw FrameRefusal(
                .invalidParameter(
                    "id", "Invalid 'id': expected a string of 1 to 256 characters naming the request.", code: "invalid_value"),
                shape: shape)
        }
        guard case .object(var request)? = members["request"] else {
            let got = members["request"].map { "\($0.typeName)" } ?? "nothing"
            throw FrameRefusal(
                .invalidParameter(
                    "request", "Invalid 'request': expected the request body as an object, but got \(got).", code: "invalid_type"),
                shape: shape)
        }
        request["stream"] = true
        return FrameRequest(lane: "id:" + id, shape: shape, body: bytes(request))
    }

    private static func checkType(_ members: [String: JSONValue], expected: String, shape: FrameShape) throws(FrameRefusal) {
        guard let type = members["type"]?.stringValue else {
            throw FrameRefusal(
                .invalidParameter(
                    "type", "Missing required parameter: 'type' (expected '\(expected)').", code: "missing_required_parameter"),
                shape: shape)
        }
        guard type == expected else {
            throw FrameRefusal(
                .invalidParameter(
                    "type", "Unsupported message type '\(type)': this connection takes '\(expected)' messages.", code: "invalid_value"),
                shape: shape)
        }
    }

    private static func isLaneCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
        }
    }

    private static func bytes(_ members: [String: JSONValue]) -> [UInt8] {
        var writer = JSONWriter()
        writer.value(.object(members))
        return writer.bytes
    }
}

/// A client message that carries no request, with the shape its error message takes.
struct FrameRefusal: Error {
    let error: ReplyError
    let shape: FrameShape

    init(_ error: ReplyError, shape: FrameShape) {
        self.error = error
        self.shape = shape
    }
}
