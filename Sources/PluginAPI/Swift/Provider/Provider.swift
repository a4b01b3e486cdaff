/// A wire format: it decodes requests into the canonical model and encodes canonical replies
/// back. Providers only translate; they never match, pace, count or fail on their own.
///
/// Builtin providers and plugin providers implement this same protocol.
public protocol Provider: Sendable {
    /// A short unique name, for logs and listings.
    var name: String { get }
    /// The routes this provider serves.
    var routes: [ProviderRoute] { get }

    /// Turns a wire request for `route` into a canonical request.
    ///
    /// - Throws: `ReplyError` naming the offending parameter.
    func decode(_ request: WireRequest, route: ProviderRoute) throws(ReplyError) -> CanonicalRequest

    /// Encodes a whole reply as one response body.
    func encode(_ reply: CompletedReply, for request: CanonicalRequest, context: ReplyContext) -> WireResponse

    /// Starts encoding a streamed reply.
    func makeStreamEncoder(for request: CanonicalRequest, context: ReplyContext) -> any StreamEncoder

    /// Starts encoding a streamed reply as separate messages, for a WebSocket connection to a
    /// route whose transports include `.websocket`. Default: the stream encoder's Server-Sent
    /// Events, each event's data one message (`ServerSentEventFrames`).
    func makeFrameEncoder(for request: CanonicalRequest, context: ReplyContext) -> any FrameEncoder

    /// Encodes an error in the provider's own error shape. `request` is `nil` when the request
    /// could not be decoded.
    func encode(_ error: ReplyError, for request: CanonicalRequest?, context: ReplyContext) -> WireResponse

    /// The models this provider offers, for model lists. Default: none.
    var models: [String] { get }

    /// Answers a request to a route the provider answers itself (`answeredBy: .provider`), with
    /// no fixtures involved. `context` carries the request id and fresh id material, as for
    /// encoding. Default: a 404 in the provider's error shape.
    func answer(_ request: WireRequest, route: ProviderRoute, host: HostInfo, context: ReplyContext) async -> WireResponse
}

extension Provider {
    public var models: [String] { [] }

    public func makeFrameEncoder(for request: CanonicalRequest, context: ReplyContext) -> any FrameEncoder {
        ServerSentEventFrames(makeStreamEncoder(for: request, context: context))
    }

    public func answer(_ request: WireRequest, route: ProviderRoute, host: HostInfo, context: ReplyContext) async -> WireResponse {
        let error = ReplyError(
            status: 404, message: "\(name) does not answer \(request.method.rawValue) \(request.path) itself.",
            type: "invalid_request_error",
            code: "unknown_url")
        return encode(error, for: nil, context: context)
    }
}

/// Turns the events of one streamed reply into wire bytes, one event at a time.
public protocol StreamEncoder: Sendable {
    /// The content type of the stream (`text/event-stream` for SSE).
    var contentType: String { get }
    /// Headers the streamed response carries, besides those the host adds (`x-request-id`,
    /// `cache-control`): a format's own request id, for example. Read once, before `start()`.
    /// Default: none.
    var headers: [Header] { get }
    /// Bytes to send before the first event, if any.
    mutating func start() -> [UInt8]
    /// Bytes for one event of choice `choice` (0 for events that are not per choice).
    mutating func encode(_ event: ReplyEvent, choice: Int) -> [UInt8]
    /// Appends the bytes for one event of choice `choice` to `buffer`, which collects every
    /// event that leaves in the same write. The default appends what `encode(_:choice:)`
    /// returns; an encoder can write in place instead to save a buffer per event.
    mutating func encode(_ event: ReplyEvent, choice: Int, into buffer: inout [UInt8])
    /// Bytes that end the stream after the last event.
    mutating func finish() -> [UInt8]
    /// The client went away before the stream ended: called instead of `finish()`, and
    /// nothing more is sent. An encoder that holds resources (a stored object, a log line to
    /// write) learns here that the stream ended early; `reason` says why. Default: nothing.
    mutating func abandoned(reason: String)
}

extension StreamEncoder {
    public var headers: [Header] { [] }

    public mutating func abandoned(reason: String) {}

    public mutating func encode(_ event: ReplyEvent, choice: Int, into buffer: inout [UInt8]) {
        buffer += encode(event, choice: choice)
    }
}
