import NIOCore

/// The connection the current request came on, for the fault stage to close the way a
/// failing provider's connection closes: bound by `HostChannel` around everything a
/// connection runs.
enum ConnectionHandle {
    @TaskLocal static var channel: (any Channel)?

    /// Closes the current request's connection at once, without a response or a close frame.
    static func closeCurrent() {
        channel?.close(promise: nil)
    }
}
