import NIOCore

/// Sits in front of the HTTP decoder: passes each read on, then shows the bytes to the
/// connection's guard, which follows the requests' framing. Once the guard has answered the
/// connection, or the limiter is closing it, what the client still sends is dropped here.
final class ConnectionTap: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let connectionGuard: ConnectionGuard

    init(_ connectionGuard: ConnectionGuard) {
        self.connectionGuard = connectionGuard
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard connectionGuard.willRead() else { return }
        let buffer = unwrapInboundIn(data)
        context.fireChannelRead(data)
        connectionGuard.received(buffer)
    }
}
