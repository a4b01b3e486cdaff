import HummingbirdWebSocket
import LyrebirdPluginAPI
import NIOCore
import NIOWebSocket

/// One WebSocket connection to a route: reads the client's messages, runs each request they
/// carry through the pipeline on its lane, and writes the replies' messages as they come.
///
/// Requests on one lane run one after another; lanes run side by side, their messages
/// interleaved. The connection closes when the client closes it, when it sends a message
/// larger than the limit (code 1009), or when it has been idle for the idle timeout (code 1000).
struct WebSocketSession: Sendable {
    let provider: any Provider
    let route: ProviderRoute
    /// The upgrade request: every request on the connection has its path, query and headers,
    /// and the route's method.
    let upgrade: WireRequest
    let pipeline: Pipeline
    let limits: WebSocketLimits
    /// The connection's place under the host's connection limits, which learns when the
    /// connection runs requests; `nil` for a connection outside them.
    let slot: ConnectionSlot?

    /// What the connection's tasks tell the one that owns them.
    private enum Signal: Sendable {
        /// A lane has a request and no task running it.
        case startLane(String)
        /// Nothing has happened for the idle timeout.
        case idle
        /// The client's side ended, with the error that ended it, if any.
        case closed((any Error)?)
    }

    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        let lanes = WebSocketLanes(maxQueued: limits.maxQueued, slot: slot)
        let (signals, signal) = AsyncStream.makeStream(of: Signal.self)
        var failure: (any Error)?
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await read(inbound, outbound: outbound, lanes: lanes, signal: signal) }
            group.addTask { await watchIdle(lanes, signal: signal) }
            loop: for await next in signals {
                switch next {
                case .startLane(let lane):
                    group.addTask { await serve(lane, lanes: lanes, outbound: outbound) }
                case .idle:
                    try? await outbound.close(.normalClosure, reason: "idle for \(limits.idleTimeoutMilliseconds) ms")
                    break loop
                case .closed(let error):
                    failure = error
                    break loop
                }
            }
            signal.finish()
            group.cancelAll()
        }
        // The library closes the connection with the code this error stands for (1009 for a
        // message over the limit).
        if let failure { throw failure }
    }

    /// Reads the client's messages until the connection ends, queueing the requests they carry
    /// and answering at once those that carry none.
    private func read(
        _ inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, lanes: WebSocketLanes,
        signal: AsyncStream<Signal>.Continuation
    ) async {
        do {
            for try await message in inbound.messages(maxSize: limits.maxMessageBytes) {
                let bytes: [UInt8]
                switch message {
                case .text(let text): bytes = Array(text.utf8)
                case .binary(let buffer): bytes = Array(buffer.readableBytesView)
                }
                let request: FrameRequest
                do {
                    request = try FrameRequest.read(bytes, framing: route.webSocketFraming)
                } catch {
                    lanes.touch()
                    try await refuse(error.error, shape: error.shape, outbound: outbound)
                    continue
                }
                switch lanes.enqueue(request) {
                case .startLane:
                    signal.yield(.startLane(request.lane))
                case .queued:
                    break
                case .reclaimed:
                    // The host is closing the connection to make room; the request would have no reader.
                    signal.yield(.closed(nil))
                    return
                case .full:
                    let error = ReplyError(
                        status: 429,
                        message:
                            "This connection already has \(limits.maxQueued) requests running or waiting (settings.websocket_max_queued); wait for one to finish.",
                        type: "invalid_request_error", code: "websocket_queue_full")
                    try await refuse(error, shape: request.shape, outbound: outbound)
                }
            }
            signal.yield(.closed(nil))
        } catch {
            signal.yield(.closed(error))
        }
    }

    /// Runs the requests of `lane` one after another until it has none left. A write that
    /// fails means the connection is gone: the lane's other requests are left where they are.
    private func serve(_ lane: String, lanes: WebSocketLanes, outbound: WebSocketOutboundWriter) async {
        var next = lanes.current(lane)
        while let request = next {
            var wire = upgrade
            wire.body = request.body
            let outcome = await pipeline.handleMessage(
                wire, route: route, provider: provider, requestID: Identifiers.requestID(), shape: request.shape)
            switch outcome {
            case .failed(let error):
                do {
                    try await write([request.shape.error(error)], to: outbound)
                } catch {
                    return
                }
            case .stream(let stream):
                while let messages = await stream.next() {
                    do {
                        try await write(messages, to: outbound, split: stream.split)
                    } catch {
                        stream.cancel(reason: "client went away: \(error)")
                        return
                    }
                }
                if stream.cut {
                    ConnectionHandle.closeCurrent()
                    return
                }
            case .dropped:
                ConnectionHandle.closeCurrent()
                return
            case .closed(let code, let reason):
                try? await outbound.close(.init(codeNumber: Int(code)), reason: reason)
                return
            }
            next = lanes.finishCurrent(lane)
        }
    }

    /// Signals `.idle` once no request has run or arrived for the idle timeout.
    private func watchIdle(_ lanes: WebSocketLanes, signal: AsyncStream<Signal>.Continuation) async {
        while !Task.isCancelled {
            guard let deadline = lanes.idleDeadline(after: limits.idleTimeout) else {
                // Busy: the clock starts again when the last request ends.
                try? await Task.sleep(for: min(limits.idleTimeout, .seconds(1)))
                continue
            }
            if deadline <= .now {
                signal.yield(.idle)
                return
            }
            try? await Task.sleep(until: deadline, clock: .continuous)
        }
    }

    /// Answers a message that the connection cannot take with an error message, and journals it.
    private func refuse(_ error: ReplyError, shape: FrameShape, outbound: WebSocketOutboundWriter) async throws {
        pipeline.recordRefusedMessage(path: upgrade.path, provider: provider, requestID: Identifiers.requestID(), error: error)
        try await write([shape.error(error)], to: outbound)
    }

    /// Writes each message in one frame, or, when the fault stage splits them, in fragments: a
    /// text frame and continuation frames, the last one final.
    private func write(_ messages: [[UInt8]], to outbound: WebSocketOutboundWriter, split: Fault.Split? = nil) async throws {
        for message in messages {
            guard let split else {
                try await outbound.write(.custom(WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(bytes: message))))
                continue
            }
            let pieces = split.pieces(of: message)
            for (index, piece) in pieces.enumerated() {
                if index > 0 && split.pauseMilliseconds > 0 { try await Task.sleep(for: .milliseconds(split.pauseMilliseconds)) }
                let frame = WebSocketFrame(
                    fin: index == pieces.count - 1, opcode: index == 0 ? .text : .continuation, data: ByteBuffer(bytes: piece))
                try await outbound.write(.custom(frame))
            }
        }
    }
}
