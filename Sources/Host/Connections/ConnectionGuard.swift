import Logging
import LyrebirdPluginAPI
import NIOCore
import NIOHTTP1

/// Holds one connection to the host's limits, between NIO's HTTP/1 codec and Hummingbird.
///
/// - A request head must arrive within the header timeout (from the connection's start for the
///   first request, from its first byte for later ones), its body within the body timeout.
///   Otherwise the client gets a 408.
/// - A connection idle between requests is closed after the keep-alive timeout.
/// - What must never reach a responder is answered here: bytes the decoder rejects (400, or 431
///   and 505), an HTTP/0.9 request line (505, at once), a request line ended by a bare LF (400),
///   an HTTP/1.1 request without exactly one Host (400), a transfer coding other than `chunked`
///   (501), a chunk that declares more than the body limit (413, before its data).
/// - An upgrade to anything but a WebSocket (`Upgrade: h2c`) is taken out of the head, so that
///   the request is answered over HTTP/1.1 as RFC 9110 §7.8 lets a server do.
/// - A response that goes out before its request has been read (an early 413) closes the
///   connection after it, since the rest of the body would have to be read first.
/// - A client that closes its side while its request is answered has gone: the connection
///   closes, which cancels the work answering it.
/// - Once the connection is a WebSocket, the guard checks the client's frames before the
///   library reads them (`WebSocketFrameTracker`): an unmasked frame closes the connection
///   (1002), and the bytes of a message still arriving count against `max_buffered_bytes`
///   (past it, 1013).
/// - When the limiter reclaims the connection, it closes: a WebSocket with a close frame (1013).
/// - On shutdown, an idle connection closes at once and a busy one after its response, or when
///   the grace ends.
///
/// Its own replies are in the OpenAI error shape with an `x-request-id`, and close the connection.
/// When the client may still be sending, the host closes its side, then reads and drops what
/// arrives until the client closes or `ConnectionLimits.lingerTimeout` passes, so that the client
/// reads the reply instead of a reset.
final class ConnectionGuard: ChannelDuplexHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private enum Phase {
        /// Requests come and go.
        case open
        /// The guard's own reply is being written.
        case answering
        /// The host's side is closed; what the client still sends is dropped until it closes.
        case lingering
        /// The connection became a WebSocket: its session holds it to its own limits, and the
        /// guard passes everything through until the shutdown grace ends.
        case upgraded
        case closed
    }

    private enum Deadline {
        case header, body, keepAlive, linger
    }

    private let limits: ConnectionLimits
    private let slot: ConnectionSlot
    private let report: ConnectionReport
    private let buffers: BufferBudget
    private let logger: Logger
    private var tracker: RequestFramingTracker
    private var frames = WebSocketFrameTracker()
    /// Bytes of the WebSocket message in progress taken from `buffers`.
    private var reservedMessageBytes = 0
    /// A read from the tap is under way: a decoder error waits for the tracker's verdict on the
    /// same bytes, which names the failure better.
    private var readingFromTap = false
    private var pendingParserError: HTTPParserError?
    /// Completed when the first request head passes on, failed if the connection closes first.
    private var firstRequest: EventLoopPromise<Void>?
    private var context: ChannelHandlerContext?
    private var phase = Phase.open
    /// Requests passed on whose responses have not ended.
    private var requestsInFlight = 0
    /// A request head was passed on and the request's end has not arrived.
    private var readingRequest = false
    /// A response head was written and its end has not been.
    private var responding = false
    /// Close once the responses in flight end: the client asked for it, or the host is stopping.
    private var closeAfterResponses = false
    private var inputClosed = false
    /// The connection waits for a request, and the limiter may close it to make room.
    private var waiting = true
    /// The one deadline that applies now; the scheduled check may fire earlier and look again.
    private var deadline: (kind: Deadline, at: NIODeadline)?
    private var check: (task: Scheduled<Void>, at: NIODeadline)?
    private var graceEnd: Scheduled<Void>?

    init(
        limits: ConnectionLimits, slot: ConnectionSlot, report: ConnectionReport, buffers: BufferBudget,
        firstRequest: EventLoopPromise<Void>, logger: Logger
    ) {
        self.firstRequest = firstRequest
        self.limits = limits
        self.slot = slot
        self.report = report
        self.buffers = buffers
        self.logger = logger
        self.tracker = RequestFramingTracker(maxBodyBytes: limits.maxBodyBytes)
    }

    /// `buffer` is about to reach the decoder. Returns `false` when it must be dropped instead:
    /// the guard has answered the connection, the limiter is closing it to make room, or (on a
    /// WebSocket) the client broke the protocol or the host holds too many bytes.
    func willRead(_ buffer: ByteBuffer) -> Bool {
        if phase == .upgraded { return checkFrames(buffer) }
        guard phase == .open else { return false }
        if waiting {
            guard slot.beginHead() else { return false }
            waiting = false
        }
        readingFromTap = true
        return true
    }

    // MARK: Lifecycle

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { startFirstRequest() }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stopTimers()
        firstRequest?.fail(ChannelError.ioOnClosedChannel)
        firstRequest = nil
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        startFirstRequest()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        phase = .closed
        stopTimers()
        firstRequest?.fail(ChannelError.ioOnClosedChannel)
        firstRequest = nil
        buffers.release(reservedMessageBytes)
        reservedMessageBytes = 0
        context.fireChannelInactive()
    }

    /// The first request's head timeout runs from the connection's start.
    private func startFirstRequest() {
        if deadline == nil && requestsInFlight == 0 { arm(.header, after: limits.headerTimeout) }
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if phase == .upgraded {
            context.fireChannelRead(data)
            return
        }
        guard phase == .open else { return }
        switch unwrapInboundIn(data) {
        case .head(var head):
            guard slot.becomeBusy() else {
                // The limiter claimed the connection as this head arrived: it is closing.
                phase = .closed
                context.close(promise: nil)
                return
            }
            let framing: RequestFramingTracker.BodyFraming
            switch Self.examine(head) {
            case .success(let found): framing = found
            case .failure(let failure):
                answer(failure)
                return
            }
            tracker.expect(framing)
            requestsInFlight += 1
            readingRequest = true
            if !head.isKeepAlive { closeAfterResponses = true }
            if framing == .none { disarm() } else { arm(.body, after: limits.bodyTimeout) }
            let foreignUpgrade = Self.removeForeignUpgrade(from: &head)
            head.headers.replaceOrAdd(name: RequestArrival.header, value: RequestArrival.value())
            firstRequest?.succeed()
            firstRequest = nil
            if foreignUpgrade {
                context.fireChannelRead(wrapInboundOut(.head(head)))
                return
            }
        case .body:
            break
        case .end:
            readingRequest = false
            if deadline?.kind == .body { disarm() }
            // A body read after its response (one refused before it was read) leaves the connection idle.
            if requestsInFlight == 0 { idle() }
        }
        context.fireChannelRead(data)
    }

    /// Bytes the decoder has just read, from the `ConnectionTap` in front of it.
    func received(_ buffer: ByteBuffer) {
        readingFromTap = false
        let parserError = pendingParserError
        pendingParserError = nil
        guard phase == .open else { return }
        if let refusal = tracker.consume(buffer) {
            answer(ConnectionFailure(refusal, maxBodyBytes: limits.maxBodyBytes))
            return
        }
        if let parserError {
            answer(.malformed(parserError))
            return
        }
        // A later request's head timeout runs from its first byte. While responses are in flight,
        // a pipelined head waits its turn: its timeout starts when they end.
        let headBegun = tracker.position == .inHead || tracker.position == .unknown
        if headBegun && requestsInFlight == 0 && !readingRequest && deadline?.kind != .header {
            arm(.header, after: limits.headerTimeout)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if phase == .upgraded {
            context.fireErrorCaught(error)
            return
        }
        guard phase == .open else { return }
        if let error = error as? HTTPParserError {
            // The tracker may name what is wrong with these bytes better, once it has read them.
            if readingFromTap {
                pendingParserError = pendingParserError ?? error
            } else {
                answer(.malformed(error))
            }
        } else {
            context.fireErrorCaught(error)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case is ChannelShouldQuiesceEvent:
            beginShutdown()
        case is ConnectionSlot.Reclaimed:
            closeToMakeRoom(context: context)
        case ChannelEvent.inputClosed:
            inputClosed = true
            if phase == .lingering {
                context.close(promise: nil)
            } else if phase == .open && requestsInFlight > 0 && !readingRequest {
                // The client has sent its request and closed its side: nobody will read the reply.
                phase = .closed
                context.close(promise: nil)
            }
            context.fireUserInboundEventTriggered(event)
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    // MARK: Outbound

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if phase == .upgraded {
            context.write(data, promise: promise)
            return
        }
        guard phase == .open else {
            // The guard has answered this connection: a responder's late reply has no reader.
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        switch unwrapOutboundIn(data) {
        case .head(var head):
            if head.status == .switchingProtocols {
                // NIO's upgrade handler accepted a WebSocket; HTTP ends on this connection.
                phase = .upgraded
                stopTimers()
                context.write(data, promise: promise)
                if tracker.position != .betweenRequests {
                    // The client sent more before the 101 (RFC 6455 §4.1 says it must wait):
                    // those bytes cannot be followed as frames.
                    phase = .closed
                    context.close(promise: nil)
                    return
                }
                slot.becomeIdleWebSocket()
                return
            }
            if readingRequest && requestsInFlight == 1 && head.status.code >= 200 {
                // Answered before its body was read: the body would have to be read before the
                // next request, so the connection ends with this response instead.
                closeAfterResponses = true
            }
            responding = true
            // A reply that says it closes the connection (a refused WebSocket upgrade) does.
            if head.headers[canonicalForm: "connection"].contains(where: { $0.lowercased() == "close" }) {
                closeAfterResponses = true
            }
            if closeAfterResponses {
                head.headers.replaceOrAdd(name: "connection", value: "close")
                context.write(wrapOutboundOut(.head(head)), promise: promise)
                return
            }
        case .body:
            break
        case .end:
            responding = false
            requestsInFlight -= 1
            guard requestsInFlight == 0 else { break }
            if closeAfterResponses {
                let written = context.eventLoop.makePromise(of: Void.self)
                written.futureResult.cascade(to: promise)
                context.write(data, promise: written)
                written.futureResult.assumeIsolated().whenComplete { _ in self.closeOrLinger() }
                return
            }
            if !readingRequest { idle() }
        }
        context.write(data, promise: promise)
    }

    /// Nothing is in flight: a head already under way gets its timeout now, otherwise the
    /// connection waits for the next request.
    private func idle() {
        if tracker.position == .inHead {
            arm(.header, after: limits.headerTimeout)
            slot.becomeIdle(headBegun: true)
        } else {
            arm(.keepAlive, after: limits.keepAliveTimeout)
            slot.becomeIdle()
            waiting = true
        }
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        switch phase {
        case .answering, .lingering:
            // The guard closes on its own schedule; a close asked for meanwhile completes with it.
            if mode == .all {
                context.channel.closeFuture.cascade(to: promise)
            } else {
                promise?.succeed()
            }
        case .open where mode == .all && readingRequest && !inputClosed:
            // Closing with a request still arriving would reset the connection under the reply.
            linger()
            context.channel.closeFuture.cascade(to: promise)
        default:
            context.close(mode: mode, promise: promise)
        }
    }

    // MARK: Answers

    /// Replies to the client with `failure` and closes the connection.
    private func answer(_ failure: ConnectionFailure) {
        guard let context else { return }
        let reply = failure.reply
        logger.debug(
            "\(reply.status), closing the connection: \(reply.message)",
            metadata: ["remote": "\(context.channel.remoteAddress?.description ?? "?")"])
        // A reply can go out only if no other response is due before it.
        let canReply = !responding && requestsInFlight == (readingRequest ? 1 : 0)
        phase = canReply ? .answering : .closed
        disarm()
        if readingRequest {
            // The responder reading this body stops with an error instead of seeing it cut short.
            context.fireErrorCaught(failure)
        }
        guard canReply else {
            context.close(promise: nil)
            return
        }
        let body = reply.openAIShapeBody
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/json")
        headers.add(name: "content-length", value: String(body.count))
        headers.add(name: "connection", value: "close")
        headers.add(name: "x-request-id", value: Identifiers.requestID())
        let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: reply.status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        written.futureResult.assumeIsolated().whenComplete { _ in
            guard self.phase == .answering else { return }
            self.closeOrLinger()
        }
    }

    /// Closes now if the client has nothing more to send, else lingers.
    private func closeOrLinger() {
        guard let context, phase != .closed else { return }
        if inputClosed || (phase == .open && !readingRequest && tracker.position != .inHead) {
            phase = .closed
            context.close(promise: nil)
        } else {
            linger()
        }
    }

    /// Closes the host's side and drops what the client still sends, until it closes or the linger ends.
    private func linger() {
        guard let context else { return }
        phase = .lingering
        context.close(mode: .output, promise: nil)
        arm(.linger, after: ConnectionLimits.lingerTimeout)
    }

    private func beginShutdown() {
        closeAfterResponses = true
        guard let context, phase != .closed else { return }
        if phase == .open && requestsInFlight == 0 && !readingRequest {
            // Idle, or a head still arriving: nothing is owed to this client.
            phase = .closed
            context.close(promise: nil)
            return
        }
        // Requests in flight finish, and a lingering close goes on, until the grace ends.
        graceEnd = context.eventLoop.assumeIsolated().scheduleTask(in: limits.shutdownGrace) {
            self.phase = .closed
            context.close(promise: nil)
        }
    }

    /// Closes the connection the limiter claimed to make room for a new one.
    private func closeToMakeRoom(context: ChannelHandlerContext) {
        if phase == .upgraded {
            writeClose(code: 1013, reason: "the server is full", context: context)
        }
        phase = .closed
        context.close(promise: nil)
    }

    // MARK: WebSocket frames

    /// Follows the frames in `buffer` before the library reads them; `false` when the connection
    /// closes instead.
    private func checkFrames(_ buffer: ByteBuffer) -> Bool {
        guard let context else { return false }
        let progress = frames.consume(buffer)
        if progress.violation == .unmasked {
            logger.debug("closing a WebSocket: the client sent an unmasked frame")
            writeClose(code: 1002, reason: "client frames must be masked", context: context)
            phase = .closed
            context.close(promise: nil)
            return false
        }
        if progress.arrived > 0 {
            guard buffers.reserve(progress.arrived) else {
                logger.debug("closing a WebSocket: the host holds max_buffered_bytes (\(buffers.limit)) of requests")
                writeClose(code: 1013, reason: "the server holds too many request bytes; retry later", context: context)
                phase = .closed
                context.close(promise: nil)
                return false
            }
            reservedMessageBytes += progress.arrived
        }
        if progress.completed > 0 {
            buffers.release(progress.completed)
            reservedMessageBytes -= progress.completed
        }
        return true
    }

    /// Writes a close frame ahead of the WebSocket library, straight to the socket.
    private func writeClose(code: UInt16, reason: String, context: ChannelHandlerContext) {
        var frame = ByteBuffer()
        let payload = Array(reason.utf8.prefix(123))
        frame.writeInteger(UInt8(0x88))
        frame.writeInteger(UInt8(2 + payload.count))
        frame.writeInteger(code)
        frame.writeBytes(payload)
        context.writeAndFlush(NIOAny(frame), promise: nil)
    }

    // MARK: Deadlines

    /// Sets the deadline that applies now. The scheduled check is moved only when it would come
    /// too late, so that the deadlines of a busy connection cost no scheduling per request.
    private func arm(_ kind: Deadline, after amount: TimeAmount) {
        let at = NIODeadline.now() + amount
        deadline = (kind, at)
        if let check, check.at <= at { return }
        check?.task.cancel()
        scheduleCheck(at: at)
    }

    private func disarm() {
        deadline = nil
    }

    private func scheduleCheck(at: NIODeadline) {
        guard let context else { return }
        let task = context.eventLoop.assumeIsolated().scheduleTask(deadline: at) { self.deadlineReached() }
        check = (task, at)
    }

    private func deadlineReached() {
        check = nil
        guard let deadline, let context else { return }
        guard deadline.at <= .now() else {
            scheduleCheck(at: deadline.at)
            return
        }
        self.deadline = nil
        switch deadline.kind {
        case .header:
            report.record(.headerTimeout)
            answer(.headerTimeout(limits.headerTimeout))
        case .body:
            report.record(.bodyTimeout)
            answer(.bodyTimeout(limits.bodyTimeout))
        case .keepAlive, .linger:
            phase = .closed
            context.close(promise: nil)
        }
    }

    private func stopTimers() {
        deadline = nil
        check?.task.cancel()
        check = nil
        graceEnd?.cancel()
        graceEnd = nil
    }

    // MARK: Heads

    /// What the guard needs from a head's fields, gathered in one pass over them.
    private struct FramingFields {
        var hosts = 0
        var hasTransferEncoding = false
        var transferCodings: [Substring] = []
        var contentLength: Substring?

        init(_ headers: HTTPHeaders) {
            for (name, value) in headers {
                if Self.isName(name, "host") {
                    hosts += 1
                } else if Self.isName(name, "transfer-encoding") {
                    hasTransferEncoding = true
                    for coding in value.split(separator: ",") {
                        var trimmed = coding
                        while let first = trimmed.first, first == " " || first == "\t" { trimmed = trimmed.dropFirst() }
                        while let last = trimmed.last, last == " " || last == "\t" { trimmed = trimmed.dropLast() }
                        if !trimmed.isEmpty { transferCodings.append(trimmed) }
                    }
                } else if contentLength == nil, Self.isName(name, "content-length") {
                    contentLength = value[...]
                }
            }
        }

        /// Whether `name` is `lowercase` in any case, without making a lowered copy.
        private static func isName(_ name: String, _ lowercase: StaticString) -> Bool {
            let expected = UnsafeBufferPointer(start: lowercase.utf8Start, count: lowercase.utf8CodeUnitCount)
            guard name.utf8.count == expected.count else { return false }
            return zip(name.utf8, expected).allSatisfy { byte, wanted in
                byte == wanted || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") && byte | 0x20 == wanted)
            }
        }
    }

    /// Takes an upgrade to anything but a WebSocket out of `head`; returns whether it did.
    /// NIO's upgrade handler loses a request whose upgrade no upgrader takes, and a server may
    /// ignore an upgrade it does not offer (RFC 9110 §7.8).
    static func removeForeignUpgrade(from head: inout HTTPRequestHead) -> Bool {
        let offered = head.headers[canonicalForm: "upgrade"]
        guard !offered.isEmpty, !offered.contains(where: { $0.lowercased().hasPrefix("websocket") }) else { return false }
        head.headers.remove(name: "upgrade")
        let connection = head.headers[canonicalForm: "connection"].filter { $0.lowercased() != "upgrade" }
        head.headers.remove(name: "connection")
        if !connection.isEmpty { head.headers.add(name: "connection", value: connection.joined(separator: ", ")) }
        return true
    }

    /// Why a decoded head is refused before it reaches a responder, if it is, and otherwise how
    /// its body is delimited.
    static func examine(_ head: HTTPRequestHead) -> Result<RequestFramingTracker.BodyFraming, ConnectionFailure> {
        let fields = FramingFields(head.headers)
        if fields.hosts > 1 || (fields.hosts == 0 && head.version.major == 1 && head.version.minor >= 1) {
            return .failure(.badHost)
        }
        let codings = fields.transferCodings
        if !codings.isEmpty && (codings.count > 1 || codings[0].lowercased() != "chunked") {
            return .failure(.unsupportedTransferEncoding(codings.joined(separator: ", ")))
        }
        if fields.hasTransferEncoding { return .success(.chunked) }
        guard let length = fields.contentLength else { return .success(.none) }
        // The decoder checked the digits; a length too large for `Int` never ends.
        return .success(.length(Int(length) ?? .max))
    }
}
