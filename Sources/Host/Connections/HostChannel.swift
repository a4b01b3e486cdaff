import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOHTTP1

/// The connections of a running host: HTTP/1 with WebSocket upgrades (`HTTP1WebSocketUpgradeChannel`)
/// behind a limit on open connections (`ConnectionLimiter`), with a `ConnectionGuard` on each one.
struct HostChannel: ServerChildChannel {
    struct Value: ServerChildChannelValue {
        let base: HTTP1WebSocketUpgradeChannel.Value
        /// Succeeds when the connection's first request head passes the guard; fails when the
        /// connection closes before one does.
        let firstRequest: EventLoopFuture<Void>
        var channel: any Channel { base.channel }
    }

    let base: HTTP1WebSocketUpgradeChannel
    let limits: ConnectionLimits
    let limiter: ConnectionLimiter
    let report: ConnectionReport
    let buffers: BufferBudget

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        guard let slot = limiter.admit(channel) else {
            channel.close(promise: nil)
            return channel.eventLoop.makeFailedFuture(ChannelError.ioOnClosedChannel)
        }
        return base.setup(channel: channel, logger: logger).flatMapThrowing { base in
            // The tap reads bytes before NIO's decoder; the guard sees what the decoder makes of
            // them, before the upgrade handler decides between HTTP and a WebSocket.
            let pipeline = channel.pipeline.syncOperations
            let decoder = try pipeline.context(handlerType: ByteToMessageHandler<HTTPRequestDecoder>.self)
            let firstRequest = channel.eventLoop.makePromise(of: Void.self)
            let connectionGuard = ConnectionGuard(
                limits: limits, slot: slot, report: report, buffers: buffers, firstRequest: firstRequest, logger: logger)
            try pipeline.addHandler(ConnectionTap(connectionGuard), position: .first)
            try pipeline.addHandler(connectionGuard, position: .after(decoder.handler))
            return Value(base: base, firstRequest: firstRequest.futureResult)
        }
    }

    func handle(value: Value, logger: Logger) async {
        // A connection closed before its first request (a timeout, the limiter making room, bytes
        // that are not HTTP) has nothing to handle; the guard has logged and counted it. The
        // library would log an error for it, about a WebSocket upgrade that never happened.
        guard (try? await value.firstRequest.get()) != nil else { return }
        // A request must not outlive its connection: once the connection closes (the client went
        // away, or the shutdown grace ended), the task answering it is cancelled, so that a reply
        // waiting on a timed fixture or a responder stops instead of holding the host open.
        await ConnectionHandle.$channel.withValue(value.channel) {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await base.handle(value: value.base, logger: logger) }
                group.addTask { try? await value.channel.closeFuture.get() }
                await group.next()
                group.cancelAll()
            }
        }
    }
}
