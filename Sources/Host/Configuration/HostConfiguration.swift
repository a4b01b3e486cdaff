import LyrebirdPluginAPI
import NIOCore

/// Everything a host needs to start: where to listen, how to answer, and the fixtures.
///
/// Build one in code, or load one from a file with `HostConfiguration(contentsOfFile:)`.
public struct HostConfiguration: Sendable {
    /// The address to bind. Loopback unless told otherwise.
    public var host: String = "127.0.0.1"
    /// The port to bind; 0 takes any free port.
    public var port: Int = 8080
    /// Request bodies larger than this get a 413.
    public var maxBodyBytes: Int = 4 * 1024 * 1024
    /// When set, a request that matches no fixture gets an error naming the closest fixtures
    /// instead of the default reply.
    public var strict: Bool = false
    /// The reply content when no fixture matches and `strict` is off.
    public var defaultReply: String = HostConfiguration.standardDefaultReply
    /// Streamed text is cut into pieces of about this many characters (at word boundaries).
    public var streamChunkCharacters: Int = 16
    /// How long a request head (request line and headers) may take to arrive: from the
    /// connection's start for its first request, from its first byte for later ones. Then the
    /// client gets a 408 and the connection is closed.
    public var headerTimeout: Duration = .seconds(10)
    /// How long a request body may take to arrive, from the end of its head. Then the client gets
    /// a 408 and the connection is closed.
    public var bodyTimeout: Duration = .seconds(30)
    /// How long a connection may sit idle between requests before it is closed, without a reply.
    public var keepAliveTimeout: Duration = .seconds(15)
    /// The most connections open at once; a connection beyond it is accepted and closed at once.
    /// `nil` derives it from the process's descriptor limit when the host starts
    /// (`HostConfiguration.maxConnections(descriptorLimit:)`).
    public var maxConnections: Int?
    /// The most connections open at once from one client address, loopback included
    /// (`settings.max_connections_per_address`); a connection beyond it first closes one of the
    /// address's own that serves nobody. `nil` is a quarter of the connection limit
    /// (`HostConfiguration.maxConnectionsPerAddress(maxConnections:)`).
    public var maxConnectionsPerAddress: Int?
    /// The most request bytes the host holds at once across all connections
    /// (`settings.max_buffered_bytes`): bodies being read or answered, and WebSocket messages
    /// still arriving. Past it a new body gets a 503 and a WebSocket closes with 1013. `nil` is
    /// a quarter of the memory the process may use (`HostConfiguration.defaultMaxBufferedBytes`).
    public var maxBufferedBytes: Int?
    /// How long requests in flight, streams included, may run on once the host stops (`stop()` or
    /// a shutdown signal); the connections still open then are closed.
    public var shutdownGrace: Duration = .seconds(10)
    /// What fixtures sent over HTTP may hold, each and together.
    public var fixtureLimits = FixtureLimits()
    /// The most context ids (`CanonicalRequest.contextID`) whose sequence turns and hit counts
    /// the host keeps at once (`settings.max_contexts`); meeting one more forgets the one met
    /// longest ago, whose sequences then start again.
    public var maxContexts: Int = 10_000
    /// Where run-time fixtures, the journal, sequence turns and hit counts are kept
    /// (`settings.store`, `--store`): in memory by default.
    public var store: StoreLocation = .memory
    /// How much of the journal the store keeps (`settings.journal_max_entries`,
    /// `settings.journal_max_age_seconds`).
    public var journalRetention = JournalRetention()
    /// The token admin requests must carry (`settings.admin_token`, `--admin-token`, the
    /// `LYREBIRD_ADMIN_TOKEN` environment variable); `nil` needs none.
    public var adminToken: String?
    /// Whether the configuration file's fixtures are read again when it changes on disk
    /// (`settings.reload`).
    public var reloadsFile = true
    /// Who may call, by API key, and the plans keys are on (`settings.auth`, `plans`, `keys`,
    /// `default_plan`); by default everyone, without limits.
    public var quotas = QuotaSettings()
    /// The clock quotas count by and replies are stamped with (`settings.clock`).
    public var clock: HostClock.Mode = .real
    /// Whether the host counts requests for `GET /metrics` (`settings.metrics`).
    public var metricsEnabled = true
    /// Whether `/_lyrebird/ui/` serves the dashboard (`settings.dashboard`).
    public var dashboardEnabled = true
    /// Where the host sends a span of every request (`settings.traces`); `nil` sends none.
    public var traces: TraceSettings?
    /// The seed, faults and timing beyond single fixtures (`seed:`, `faults:` and `timing:`).
    public var faults = FaultSettings()
    /// What one Lua call may spend.
    public var luaLimits = LuaLimits()
    /// How many threads run scripts (Lua calls and plugin responders); by default one per core.
    public var scriptThreads: Int = System.coreCount
    /// How long a request waits for a free script thread before it gets a 503.
    public var scriptQueueTimeoutMilliseconds: Int = 5000
    /// How long a WebSocket connection may stay open with no request running and no message
    /// arriving (`settings.websocket_idle_timeout_ms`).
    public var webSocketIdleTimeoutMilliseconds: Int = 300_000
    /// How many requests one WebSocket connection may have running or waiting at once
    /// (`settings.websocket_max_queued`); one more gets an error message.
    public var webSocketMaxQueued: Int = 16
    /// Native functions Lua scripts can call (`lua_extensions:` in a config file).
    public var luaNatives: LuaNatives = .none
    /// Origins whose web pages may call the API endpoints (`settings.cors_origins`); `*`, the
    /// default, is every origin.
    public var corsOrigins: [String] = ["*"]
    /// Origins besides the server's own whose pages may call the admin endpoints
    /// (`settings.admin_origins`, for example `http://localhost:3000`).
    public var adminOrigins: [String] = []
    /// Host names besides loopback ones that admin requests may name when the server listens on
    /// loopback (`settings.admin_hosts`); guards against DNS rebinding.
    public var adminHosts: [String] = []
    /// The folder whose script files fixtures sent over HTTP may name (`settings.scripts_dir`);
    /// without it they may name none and send their scripts inline.
    public var scriptsFolder: String?
    /// Model ids to list in model lists besides those fixtures and providers name
    /// (`settings.models`).
    public var models: [String] = []
    /// The fixtures, in file order.
    public var fixtures: [Fixture] = []
    /// Native plugins to load at start (`plugins:` in a config file), paths already resolved.
    public var plugins: [PluginSpec] = []
    /// The file the configuration came from, if any; relative paths inside it resolve from its folder.
    public var sourceFile: String?

    /// The reply sent when no fixture matches and no other default is configured.
    public static let standardDefaultReply = "This is a mock response from Lyrebird."

    /// A configuration with these fixtures and every setting at its default: what
    /// `lyrebird serve` runs with no config file.
    public init(fixtures: [Fixture] = []) {
        self.fixtures = fixtures
    }
}
