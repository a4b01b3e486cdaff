import CLyrebirdPlugin

/// Writes lines to the host's log, tagged with the plugin's name. The host keeps its function
/// table for the life of the process, so a logger may be stored and used from any thread.
public struct PluginLogger: @unchecked Sendable {
    /// How important a line is.
    @nonexhaustive(warn)
    public enum Level: Int32, Sendable {
        /// The levels, least to most important; the host log filters them by its own level.
        case debug = 0, info = 1, warning = 2, error = 3
    }

    // The table is immutable and lives forever (see `lyrebird_host_api`), hence @unchecked.
    private let api: UnsafePointer<lyrebird_host_api>

    init(api: UnsafePointer<lyrebird_host_api>) {
        self.api = api
    }

    /// Writes `message` at `level`.
    public func log(_ message: String, level: Level = .info) {
        guard let log = api.pointee.log else { return }
        message.withCString { log(api.pointee.host, level.rawValue, $0) }
    }
}
