import NIOCore

/// Sits in front of the HTTP decoder (and, after an upgrade, the WebSocket one): shows each read
/// to the connection's guard, passes it on, then shows it to the guard again, which follows the
/// requests' framing. Once the guard has answered the connection, or the limiter is closing it,
/// what the client still sends is dropped here.
final class ConnectionTap: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let connectionGuard: ConnectionGuard

    init(_ connectionGuard: ConnectionGuard) {
        self.connectionGuard = connectionGuard
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        guard connectionGuard.willRead(buffer) else { return }
        context.fireChannelRead(data)
        connectionGuard.received(buffer)
    }
}
