/// What one WebSocket connection may use.
struct WebSocketLimits: Sendable {
    /// The largest client message, in bytes (`max_body_bytes`, as for an HTTP body). A larger
    /// one closes the connection with code 1009, since its frames cannot be skipped safely.
    let maxMessageBytes: Int
    /// How long a connection may stay open with no request running and no message arriving.
    let idleTimeoutMilliseconds: Int
    /// How many requests may be running or waiting on one connection at once.
    let maxQueued: Int

    var idleTimeout: Duration { .milliseconds(idleTimeoutMilliseconds) }
}
