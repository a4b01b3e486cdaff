import NIOCore

/// What every connection of a running host is held to, from its `HostConfiguration`.
struct ConnectionLimits: Sendable {
    /// The time a request head may take: from the connection's start for its first request,
    /// from its first byte for later ones.
    var headerTimeout: TimeAmount
    /// The time a request body may take, from the end of its head.
    var bodyTimeout: TimeAmount
    /// The time a connection may wait idle between requests.
    var keepAliveTimeout: TimeAmount
    /// The time requests in flight may run on once the host shuts down.
    var shutdownGrace: TimeAmount
    /// The largest request body.
    var maxBodyBytes: Int

    /// After an error the host sent before a request was read whole, the time it keeps reading
    /// (and discarding) what the client still sends, so that the client reads the reply instead
    /// of a connection reset. As nginx's lingering close.
    static let lingerTimeout = TimeAmount.seconds(2)

    init(_ configuration: HostConfiguration) {
        headerTimeout = TimeAmount(configuration.headerTimeout)
        bodyTimeout = TimeAmount(configuration.bodyTimeout)
        keepAliveTimeout = TimeAmount(configuration.keepAliveTimeout)
        shutdownGrace = TimeAmount(configuration.shutdownGrace)
        maxBodyBytes = configuration.maxBodyBytes
    }
}
