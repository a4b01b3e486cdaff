import LyrebirdPluginAPI

/// How the messages of one request look on its WebSocket connection, by the route's framing:
/// what wraps each message of the provider's frame encoder, what a failure becomes, and what
/// ends a reply.
struct FrameShape: Sendable, Hashable {
    enum Style: Sendable, Hashable {
        /// The provider's messages as they are, with the request's `stream_id` added when it gave
        /// one (`WebSocketFraming.events`).
        case events(streamID: String?)
        /// Each message inside `<prefix>.chunk`, then `<prefix>.done`, all with the request's id
        /// (`WebSocketFraming.envelope`). The id is `nil` only for an error about a message
        /// that named none.
        case envelope(prefix: String, id: String?)
    }

    let style: Style

    /// One message of the provider's frame encoder, as the client gets it.
    func message(_ payload: [UInt8]) -> [UInt8] {
        switch style {
        case .events(nil):
            return payload
        case .events(let streamID?):
            // `{"stream_id":"...",` then the event's own members.
            guard payload.first == UInt8(ascii: "{") else { return payload }
            var bytes = Array(#"{"stream_id":"#.utf8)
            JSONWriter.appendString(streamID, to: &bytes)
            let members = payload.dropFirst()
            if members.first != UInt8(ascii: "}") { bytes.append(UInt8(ascii: ",")) }
            bytes += members
            return bytes
        case .envelope(let prefix, let id):
            var writer = JSONWriter(reservingCapacity: payload.count + 64)
            writer.object { writer in
                writer.member("type", prefix + ".chunk")
                writer.member("id", id)
                writer.key("chunk")
                writer.raw(payload)
            }
            return writer.bytes
        }
    }

    /// The `error` message for a request that failed: `{"type": "error", "status", "error":
    /// {"type", "code", "message", "param"}}` with the request's `stream_id` or `id`, and the
    /// retry delay under `error.headers` when the error has one (the Responses WebSocket
    /// error's shape).
    func error(_ error: ReplyError) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 256)
        writer.object { writer in
            writer.member("type", "error")
            switch style {
            case .events(let streamID?): writer.member("stream_id", streamID)
            case .events(nil): break
            case .envelope(_, let id): writer.member("id", id)
            }
            writer.member("status", error.status)
            writer.member(
                "error",
                object: { writer in
                    writer.member("type", error.type)
                    writer.member("code", error.code)
                    writer.member("message", error.message)
                    writer.member("param", error.param)
                    if let delay = error.retryAfterMilliseconds {
                        writer.member("headers", object: { writer in writer.member("retry-after-ms", String(delay)) })
                    }
                })
        }
        return writer.bytes
    }

    /// Whether an error in the middle of a reply becomes `error(_:)`: in the envelope it does;
    /// in the events framing the provider's own events report it, as its stream would.
    var framesReplyErrors: Bool {
        if case .envelope = style { return true }
        return false
    }

    /// The message that ends a reply that did not fail, if the framing has one.
    var done: [UInt8]? {
        guard case .envelope(let prefix, let id) = style else { return nil }
        var writer = JSONWriter(reservingCapacity: 64)
        writer.object { writer in
            writer.member("type", prefix + ".done")
            writer.member("id", id)
        }
        return writer.bytes
    }
}
