import HummingbirdCore
import HummingbirdWebSocket
import Logging

extension HTTPServerBuilder {
    /// HTTP/1 and WebSocket upgrades on `HostChannel`, with the connection limits of `configuration`.
    static func host(
        _ configuration: HostConfiguration, webSockets: WebSocketGateway, buffers: BufferBudget, logger: Logger
    ) -> HTTPServerBuilder {
        let limits = ConnectionLimits(configuration)
        let maximum = configuration.maxConnections ?? HostConfiguration.maxConnections(descriptorLimit: HostConfiguration.descriptorLimit)
        let report = ConnectionReport(logger: logger)
        let limiter = ConnectionLimiter(
            maximum: maximum,
            maximumPerAddress: configuration.maxConnectionsPerAddress
                ?? HostConfiguration.maxConnectionsPerAddress(maxConnections: maximum),
            report: report)
        return HTTPServerBuilder { responder in
            HostChannel(
                base: webSockets.channel(responder: responder, limiter: limiter), limits: limits, limiter: limiter, report: report,
                buffers: buffers)
        }
    }
}
