import HummingbirdCore

extension HTTPServerBuilder {
    /// HTTP/1 on `HostChannel`, with the connection limits of `configuration`.
    static func host(_ configuration: HostConfiguration) -> HTTPServerBuilder {
        let limits = ConnectionLimits(configuration)
        return HTTPServerBuilder { responder in HostChannel(responder: responder, limits: limits) }
    }
}
