/// How a WebSocket connection to a route carries its requests and replies. It matters only for
/// a route whose transports include `.websocket`; the host does the framing, the provider's
/// `decode` and `makeFrameEncoder` do the rest as for any request.
@nonexhaustive(warn)
public enum WebSocketFraming: Sendable, Hashable {
    /// The OpenAI Responses WebSocket mode. A client message is a request body with one more
    /// member, `"type": requestType` (`response.create`), and optionally a `stream_id`; the
    /// server sends each message of the provider's frame encoder as it is, with the `stream_id`
    /// added when the request gave one. Requests with the same `stream_id` (or none) run one
    /// after another; different ones run side by side.
    case events(requestType: String)
    /// Lyrebird's envelope, for formats without a WebSocket mode of their own. A client message
    /// is `{"type": "<prefix>.request", "id": "...", "request": {...}}`; each message of the
    /// provider's frame encoder goes back as `{"type": "<prefix>.chunk", "id", "chunk": ...}`,
    /// and the reply ends with `{"type": "<prefix>.done", "id"}`. Requests run side by side.
    case envelope(prefix: String)
}
