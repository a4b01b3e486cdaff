import HummingbirdCore
import Logging

extension HTTPServerBuilder {
    /// HTTP/1 on `HostChannel`, with the connection limits of `configuration`.
    static func host(_ configuration: HostConfiguration, logger: Logger) -> HTTPServerBuilder {
        let limits = ConnectionLimits(configuration)
        let maximum = configuration.maxConnections ?? HostConfiguration.maxConnections(descriptorLimit: HostConfiguration.descriptorLimit)
        let limiter = ConnectionLimiter(maximum: maximum, logger: logger)
        return HTTPServerBuilder { responder in HostChannel(responder: responder, limits: limits, limiter: limiter) }
    }
}
