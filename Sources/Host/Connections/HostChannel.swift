import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// The HTTP/1 connections of a running host: Hummingbird's request handling behind a limit on
/// open connections (`ConnectionLimiter`), with a `ConnectionGuard` on each one.
struct HostChannel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    let responder: HTTPChannelHandler.Responder
    let limits: ConnectionLimits
    let limiter: ConnectionLimiter

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        guard let slot = limiter.admit(channel) else {
            channel.close(promise: nil)
            return channel.eventLoop.makeFailedFuture(ChannelError.ioOnClosedChannel)
        }
        return channel.eventLoop.makeCompletedFuture {
            // As Hummingbird's own HTTP/1 channel sets up its pipeline, with the guard (and its
            // tap in front of the decoder) added.
            var decoderLimits = NIOHTTPDecoderLimitConfiguration()
            decoderLimits.maxHeaderFieldCount = 1000
            let pipeline = channel.pipeline.syncOperations
            try pipeline.configureHTTPServerPipeline(
                withPipeliningAssistance: false, withErrorHandling: false, withOutboundHeaderValidation: false,
                withEncoderConfiguration: .init(), withDecoderLimitConfiguration: decoderLimits
            )
            let connectionGuard = ConnectionGuard(limits: limits, slot: slot, logger: logger)
            try pipeline.addHandler(ConnectionTap(connectionGuard), position: .first)
            try pipeline.addHandler(connectionGuard)
            try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: false))
            return try NIOAsyncChannel(wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
        }
    }

    func handle(value: Value, logger: Logger) async {
        // A request must not outlive its connection: once the connection closes (the client went
        // away, or the shutdown grace ended), the task answering it is cancelled, so that a reply
        // waiting on a timed fixture or a responder stops instead of holding the host open.
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await handleHTTP(asyncChannel: value, logger: logger) }
            group.addTask { try? await value.channel.closeFuture.get() }
            await group.next()
            group.cancelAll()
        }
    }
}
