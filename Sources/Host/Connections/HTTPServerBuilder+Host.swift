import HummingbirdCore
import HummingbirdWebSocket
import Logging

extension HTTPServerBuilder {
    /// HTTP/1 and WebSocket upgrades on `HostChannel`, with the connection limits of `configuration`.
    static func host(_ configuration: HostConfiguration, webSockets: WebSocketGateway, logger: Logger) -> HTTPServerBuilder {
        let limits = ConnectionLimits(configuration)
        let maximum = configuration.maxConnections ?? HostConfiguration.maxConnections(descriptorLimit: HostConfiguration.descriptorLimit)
        let limiter = ConnectionLimiter(maximum: maximum, logger: logger)
        return HTTPServerBuilder { responder in
            HostChannel(base: webSockets.channel(responder: responder), limits: limits, limiter: limiter)
        }
    }
}
