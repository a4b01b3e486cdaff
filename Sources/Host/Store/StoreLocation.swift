/// Where a host keeps its state: fixtures created at run time, the request journal, sequence
/// turns and hit counts. The fixture file stays the source of what it declares.
public enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    /// An SQLite database in memory: nothing is left behind, and nothing survives the process.
    case memory
    /// An SQLite database in this file (WAL mode), created when missing: what a call changed
    /// is there once the call is answered, whatever happens to the process after.
    case sqlite(path: String)
    /// A PostgreSQL database, for a fleet of hosts that share one state.
    case postgres(url: String)

    /// Reads `settings.store` or `--store`: `memory`, `postgres://...` (or `postgresql://`), or
    /// a file path (`sqlite:` before it is allowed).
    public init(_ text: String) {
        if text == "memory" || text == ":memory:" {
            self = .memory
        } else if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            self = .postgres(url: text)
        } else if text.hasPrefix("sqlite:") {
            self = .sqlite(path: String(text.dropFirst("sqlite:".count)))
        } else {
            self = .sqlite(path: text)
        }
    }

    /// Where the state lives, in words for the start-up log; a PostgreSQL password is left out.
    public var description: String {
        switch self {
        case .memory: return "in memory (SQLite); nothing is kept after the process ends"
        case .sqlite(let path): return "in the SQLite file \(path)"
        case .postgres(let url): return "in PostgreSQL at \(Self.withoutPassword(url))"
        }
    }

    private static func withoutPassword(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://"), let at = url[schemeEnd.upperBound...].lastIndex(of: "@") else { return url }
        let credentials = url[schemeEnd.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return url }
        return String(url[..<colon]) + ":***" + String(url[at...])
    }
}
