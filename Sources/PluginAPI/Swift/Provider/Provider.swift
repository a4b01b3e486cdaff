/// A wire format: it decodes requests into the canonical model and encodes canonical replies
/// back. Providers only translate; they never match, pace, count or fail on their own.
///
/// Builtin providers and plugin providers implement this same protocol.
///
/// ## How the host calls it
///
/// For a request to one of ``routes`` answered by fixtures (the default):
///
/// 1. ``decode(_:route:)`` turns the wire request into a ``CanonicalRequest``. A thrown
///    ``ReplyError`` goes back to the client through ``encode(_:for:context:)-(ReplyError,_,_)``
///    with `request` `nil`.
/// 2. Fixtures and responders produce ``ReplyEvent``s; the host paces them, adds `finish` and
///    `usage` where a responder left them out.
/// 3. A request with `stream` false gets one body from
///    ``encode(_:for:context:)-(CompletedReply,_,_)``; a streamed one gets a fresh
///    ``StreamEncoder`` from ``makeStreamEncoder(for:context:)`` (a WebSocket message a
///    ``FrameEncoder`` from ``makeFrameEncoder(for:context:)``). An error before the first
///    event becomes an ordinary error response; one after it goes into the stream.
///
/// For a route with `answeredBy: .provider`, the host calls
/// ``answer(_:route:host:context:)`` instead, and nothing else.
///
/// ## Threading
///
/// A provider value is shared by every request for the life of the host: `decode`, the
/// `encode` methods and `makeStreamEncoder` run on event-loop threads, concurrently for
/// different requests, so they must be thread-safe (the protocol is `Sendable`) and must not
/// block. `answer` is `async` and may take its time. In a plugin, all of them cross the C ABI
/// as bytes (see `lyrebird_provider`); a plugin's provider lives until the process exits.
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

    /// Takes the records the host keeps for this provider in its store. The host calls it once,
    /// before the provider's first request. Default: the provider keeps no records.
    func attach(records: any ProviderRecords)

    /// Runs before ``decode(_:route:)`` for each request the host routes to this provider with
    /// fixtures, off the event loop: a provider loads here, from its records, what decoding will
    /// need (the response a request continues from). Default: nothing.
    func prepare(_ request: WireRequest, route: ProviderRoute) async

    /// The rate-limit headers of a response to a key whose plan limits it, in the provider's
    /// own dialect (OpenAI's `x-ratelimit-*`, Anthropic's `anthropic-ratelimit-*`), besides the
    /// `x-ratelimit-limit`, `-remaining` and `-reset` the host sends for every provider. Runs on
    /// an event-loop thread for every such response: must not block. Default: none.
    func rateLimitHeaders(_ figures: RateLimitFigures) -> [Header]
}

extension Provider {
    /// No models: a provider lists none unless it says so.
    public var models: [String] { [] }

    /// Wraps the provider's stream encoder in ``ServerSentEventFrames``: each SSE event's data
    /// becomes one WebSocket message.
    public func makeFrameEncoder(for request: CanonicalRequest, context: ReplyContext) -> any FrameEncoder {
        ServerSentEventFrames(makeStreamEncoder(for: request, context: context))
    }

    /// Answers with a 404 (`unknown_url`) in the provider's own error shape: the default for a
    /// provider that registers no route with `answeredBy: .provider`.
    public func answer(_ request: WireRequest, route: ProviderRoute, host: HostInfo, context: ReplyContext) async -> WireResponse {
        let error = ReplyError(
            status: 404, message: "\(name) does not answer \(request.method.rawValue) \(request.path) itself.",
            type: "invalid_request_error",
            code: "unknown_url")
        return encode(error, for: nil, context: context)
    }

    /// Keeps nothing: a provider keeps no records unless it says so.
    public func attach(records: any ProviderRecords) {}

    /// Loads nothing before decoding.
    public func prepare(_ request: WireRequest, route: ProviderRoute) async {}

    /// No headers of the provider's own: the host's `x-ratelimit-*` three tell the limits.
    public func rateLimitHeaders(_ figures: RateLimitFigures) -> [Header] { [] }
}

/// Turns the events of one streamed reply into wire bytes, one event at a time.
///
/// The host makes one encoder per streamed reply and calls it in this order: ``headers``
/// (once), ``start()``, ``encode(_:choice:into:)`` for each event, then either ``finish()``
/// when the reply ended (also after an `.error` event, which the encoder writes in the format's
/// own way) or ``abandoned(reason:)`` when the client went away; nothing after that. Calls for
/// one stream never overlap, but may come from different threads; different streams run
/// concurrently. The bytes returned are sent as they are: the encoder writes the framing (SSE
/// `event:`/`data:` lines, NDJSON lines, ...).
///
/// Events arrive as the pipeline emits them: for each choice, text and tool-call events, then
/// `.finish`; after the last choice's `.finish`, one `.usage` (whether or not the client asked
/// for usage: an encoder that reports usage only on request checks
/// `CanonicalRequest.includeUsage`). `choice` is the choice's index for per-choice events and 0
/// for `.usage` and `.error`.
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
    /// No headers beyond those the host adds.
    public var headers: [Header] { [] }

    /// Does nothing: an encoder that holds nothing has nothing to release.
    public mutating func abandoned(reason: String) {}

    /// Appends what `encode(_:choice:)` returns.
    public mutating func encode(_ event: ReplyEvent, choice: Int, into buffer: inout [UInt8]) {
        buffer += encode(event, choice: choice)
    }
}
