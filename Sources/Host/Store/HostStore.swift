import Logging
import LyrebirdPluginAPI

/// A host's store: its engine, and the writer that takes the hot path's records to it.
final class HostStore: Sendable {
    let engine: any StoreEngine
    let writer: StoreWriter

    /// Opens the store at `location`.
    /// Opens the store at `location`; `usage`, when quotas count, is synchronised with it.
    init(_ location: StoreLocation, retention: JournalRetention, contextLimit: Int, usage: UsageLedger? = nil, logger: Logger) throws {
        switch location {
        case .memory, .sqlite:
            engine = try SQLiteEngine(location)
        case .postgres(let url):
            #if PostgreSQL
                engine = try PostgresEngine(url: url, logger: logger)
            #else
                throw StoreError.unsupported("this build of Lyrebird has no PostgreSQL store (its PostgreSQL trait is off)")
            #endif
        }
        writer = StoreWriter(engine: engine, retention: retention, contextLimit: contextLimit, usage: usage, logger: logger)
    }

    /// A store in memory with the default settings, for a fixture store made on its own.
    static func inMemory(contextLimit: Int) -> HostStore {
        // An in-memory SQLite database opens unless the process is out of memory.
        try! HostStore(.memory, retention: JournalRetention(), contextLimit: contextLimit, logger: Logger(label: "lyrebird.store"))
    }

    /// Counts one turn of a fixture with a sequence, now: the turn a request gets must be its own.
    func claimTurn(fixture: String, context: String, limit: Int?) async throws -> Int? {
        let turn = try await engine.claimTurn(fixture: fixture, context: context, limit: limit)
        writer.noteClaim()
        return turn
    }
}

/// Why the store cannot be used.
enum StoreError: Error, CustomStringConvertible {
    case unsupported(String)

    var description: String {
        switch self {
        case .unsupported(let message): return message
        }
    }
}

extension ReplyError {
    /// What a client gets when the store cannot be read or written: a fixture with replies in
    /// turn could not claim its turn, say. A store that comes back serves the retry.
    static func storeFailed(_ error: any Error) -> ReplyError {
        ReplyError(
            status: 503, message: "The store cannot be reached: \(error)", type: "server_error", code: "store_unavailable",
            retryAfterMilliseconds: 1000)
    }
}
