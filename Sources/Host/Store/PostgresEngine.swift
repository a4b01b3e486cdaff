#if PostgreSQL
    import Foundation
    import Logging
    import LyrebirdPluginAPI
    import NIOSSL
    import PostgresNIO

    /// The store in PostgreSQL, through postgres-nio, for a fleet of hosts that share one state.
    /// Its tables are named `lyrebird_*`, so the database may hold others. Every host runs the same
    /// statements; a turn is claimed with one `INSERT ... ON CONFLICT ... RETURNING`, atomic however
    /// many hosts claim at once.
    final class PostgresEngine: StoreEngine {
        let location: StoreLocation
        private let client: PostgresClient
        /// Runs the client's connection pool for as long as the engine lives.
        private let runner: Task<Void, Never>
        /// Creates the tables the database lacks; every call waits for it first.
        private let ready: Task<Void, any Error>
        private let logger: Logger

        /// Starts connecting to the database at `url` (`postgres://user:password@host:port/database`,
        /// with `sslmode=disable`, `prefer` (the default) or `require`) and creating the tables it
        /// lacks. A database that cannot be reached fails the first call, as a host starts.
        init(url: String, logger: Logger) throws {
            location = .postgres(url: url)
            self.logger = logger
            let client = PostgresClient(configuration: try Self.configuration(url), backgroundLogger: logger)
            self.client = client
            runner = Task { await client.run() }
            ready = Task { try await Self.migrate(client, logger: logger) }
        }

        deinit {
            ready.cancel()
            runner.cancel()
        }

        /// The client, once the tables are there.
        private func connected() async throws -> PostgresClient {
            try await ready.value
            return client
        }

        private static func configuration(_ url: String) throws -> PostgresClient.Configuration {
            guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty else {
                throw StoreError.unsupported(
                    "\(StoreLocation.postgres(url: url)) is not a PostgreSQL URL (postgres://user:password@host:port/database)")
            }
            let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
            let mode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
            let tls: PostgresClient.Configuration.TLS
            switch mode {
            case "disable": tls = .disable
            case "require", "verify-ca", "verify-full": tls = .require(.makeClientConfiguration())
            default: tls = .prefer(.makeClientConfiguration())
            }
            var configuration = PostgresClient.Configuration(
                host: host, port: components.port ?? 5432, username: components.user ?? "postgres", password: components.password,
                database: database.isEmpty ? nil : database, tls: tls)
            configuration.options.maximumConnections = 8
            return configuration
        }

        /// Creates the tables; an advisory lock keeps two hosts starting at once from racing.
        private static func migrate(_ client: PostgresClient, logger: Logger) async throws {
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(7331001)", logger: logger)
                for statement in Self.schema {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
            }
        }

        private static let schema = [
            "CREATE TABLE IF NOT EXISTS lyrebird_meta (key TEXT PRIMARY KEY, value BIGINT NOT NULL)",
            "INSERT INTO lyrebird_meta VALUES ('fixtures_version', 0) ON CONFLICT (key) DO NOTHING",
            "CREATE SEQUENCE IF NOT EXISTS lyrebird_context_arrivals",
            "CREATE TABLE IF NOT EXISTS lyrebird_runtime_fixtures (id TEXT PRIMARY KEY, text TEXT NOT NULL, position BIGINT NOT NULL)",
            """
            CREATE TABLE IF NOT EXISTS lyrebird_journal (
                seq BIGSERIAL PRIMARY KEY, request_id TEXT NOT NULL, time DOUBLE PRECISION NOT NULL, method TEXT NOT NULL,
                path TEXT NOT NULL, provider TEXT, plugin TEXT, operation TEXT, model TEXT, source TEXT, status INTEGER NOT NULL,
                streamed BOOLEAN NOT NULL, error TEXT, duration_ms DOUBLE PRECISION NOT NULL, context TEXT, details TEXT NOT NULL)
            """,
            "CREATE INDEX IF NOT EXISTS lyrebird_journal_time ON lyrebird_journal (time)",
            "CREATE TABLE IF NOT EXISTS lyrebird_contexts (context TEXT PRIMARY KEY, arrival BIGINT NOT NULL)",
            "CREATE INDEX IF NOT EXISTS lyrebird_contexts_arrival ON lyrebird_contexts (arrival)",
            """
            CREATE TABLE IF NOT EXISTS lyrebird_turns (fixture TEXT NOT NULL, context TEXT NOT NULL, count BIGINT NOT NULL,
                PRIMARY KEY (fixture, context))
            """,
            "CREATE TABLE IF NOT EXISTS lyrebird_hit_totals (fixture TEXT PRIMARY KEY, count BIGINT NOT NULL)",
            "CREATE SEQUENCE IF NOT EXISTS lyrebird_record_writes",
            """
            CREATE TABLE IF NOT EXISTS lyrebird_records (space TEXT NOT NULL, partition TEXT NOT NULL, key TEXT NOT NULL,
                value BYTEA NOT NULL, PRIMARY KEY (space, partition, key))
            """,
            """
            CREATE TABLE IF NOT EXISTS lyrebird_record_partitions (space TEXT NOT NULL, partition TEXT NOT NULL,
                bytes BIGINT NOT NULL, written BIGINT NOT NULL, PRIMARY KEY (space, partition))
            """,
            "CREATE INDEX IF NOT EXISTS lyrebird_record_partitions_written ON lyrebird_record_partitions (space, written)",
            "CREATE TABLE IF NOT EXISTS lyrebird_record_spaces (space TEXT PRIMARY KEY, bytes BIGINT NOT NULL)",
            """
            CREATE TABLE IF NOT EXISTS lyrebird_usage (api_key TEXT NOT NULL, window_kind TEXT NOT NULL, start BIGINT NOT NULL,
                requests BIGINT NOT NULL, tokens BIGINT NOT NULL, PRIMARY KEY (api_key, window_kind, start))
            """,
        ]

        // MARK: Fixtures

        func runtimeFixtures() async throws -> [StoredFixture] {
            let rows = try await connected().query(
                "SELECT id, text, position FROM lyrebird_runtime_fixtures ORDER BY position, id", logger: logger)
            var fixtures: [StoredFixture] = []
            for try await (id, text, position) in rows.decode((String, String, Int64).self) {
                fixtures.append(StoredFixture(id: id, text: text, position: Int(position)))
            }
            return fixtures
        }

        func saveFixture(_ fixture: StoredFixture) async throws {
            try await connected().withTransaction(logger: logger) { connection in
                try await connection.query(
                    """
                    INSERT INTO lyrebird_runtime_fixtures VALUES (\(fixture.id), \(fixture.text), \(Int64(fixture.position)))
                    ON CONFLICT (id) DO UPDATE SET text = excluded.text, position = excluded.position
                    """, logger: logger)
                try await Self.bumpFixturesVersion(connection, logger: logger)
            }
        }

        func deleteFixture(id: String) async throws -> Bool {
            try await connected().withTransaction(logger: logger) { connection in
                let rows = try await connection.query("DELETE FROM lyrebird_runtime_fixtures WHERE id = \(id) RETURNING id", logger: logger)
                var deleted = false
                for try await _ in rows { deleted = true }
                if deleted { try await Self.bumpFixturesVersion(connection, logger: logger) }
                return deleted
            }
        }

        func setPositions(_ positions: [(id: String, position: Int)]) async throws {
            try await connected().withTransaction(logger: logger) { connection in
                for (id, position) in positions {
                    try await connection.query(
                        "UPDATE lyrebird_runtime_fixtures SET position = \(Int64(position)) WHERE id = \(id)", logger: logger)
                }
                try await Self.bumpFixturesVersion(connection, logger: logger)
            }
        }

        func fixturesVersion() async throws -> Int64 {
            try await single(Int64.self, "SELECT value FROM lyrebird_meta WHERE key = 'fixtures_version'") ?? 0
        }

        private static func bumpFixturesVersion(_ connection: PostgresConnection, logger: Logger) async throws {
            try await connection.query("UPDATE lyrebird_meta SET value = value + 1 WHERE key = 'fixtures_version'", logger: logger)
        }

        // MARK: Journal

        /// Rows one journal insert carries: 15 parameters each, well under PostgreSQL's 65,535.
        private static let journalChunk = 1000

        func appendJournal(_ entries: [JournalEntry], retention: JournalRetention) async throws {
            guard !entries.isEmpty else { return }
            try await connected().withTransaction(logger: logger) { connection in
                var start = 0
                while start < entries.count {
                    let chunk = entries[start..<min(start + Self.journalChunk, entries.count)]
                    var bindings = PostgresBindings(capacity: chunk.count * 15)
                    var rows: [String] = []
                    for entry in chunk {
                        let first = bindings.count + 1
                        rows.append("(" + (first..<first + 15).map { "$\($0)" }.joined(separator: ", ") + ")")
                        bindings.append(entry.requestID)
                        bindings.append(entry.time)
                        bindings.append(entry.method)
                        bindings.append(entry.path)
                        bindings.append(entry.provider)
                        bindings.append(entry.plugin)
                        bindings.append(entry.operation)
                        bindings.append(entry.model)
                        bindings.append(entry.source)
                        bindings.append(Int32(entry.status))
                        bindings.append(entry.streamed)
                        bindings.append(entry.error)
                        bindings.append(entry.durationMilliseconds)
                        bindings.append(entry.context)
                        bindings.append(JournalRecord.details(of: entry))
                    }
                    try await connection.query(
                        PostgresQuery(
                            unsafeSQL: """
                                INSERT INTO lyrebird_journal (request_id, time, method, path, provider, plugin, operation, model, source,
                                    status, streamed, error, duration_ms, context, details) VALUES \(rows.joined(separator: ", "))
                                """, binds: bindings), logger: logger)
                    start += Self.journalChunk
                }
                let oldest = Date().timeIntervalSince1970 - retention.maxAge
                try await connection.query("DELETE FROM lyrebird_journal WHERE time < \(oldest)", logger: logger)
                // Sequence numbers may skip (PostgreSQL does not give back those of rolled-back
                // inserts), so this keeps at most the last maxEntries, sometimes a few fewer.
                try await connection.query(
                    "DELETE FROM lyrebird_journal WHERE seq <= (SELECT MAX(seq) FROM lyrebird_journal) - \(Int64(retention.maxEntries))",
                    logger: logger)
            }
        }

        func journal(_ query: JournalQuery) async throws -> JournalPage {
            var conditions: [String] = []
            var bindings = PostgresBindings()
            func add(_ column: String, _ comparison: String, _ value: (some PostgresDynamicTypeEncodable)?) {
                guard let value else { return }
                bindings.append(value)
                conditions.append("\(column) \(comparison) $\(bindings.count)")
            }
            add("path", "=", query.path)
            add("source", "=", query.source)
            add("context", "=", query.context)
            add("request_id", "=", query.requestID)
            add("status", "=", query.status.map(Int32.init))
            add("time", ">=", query.since)
            add("time", "<", query.until)
            let clause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
            let total =
                try await single(Int64.self, PostgresQuery(unsafeSQL: "SELECT COUNT(*) FROM lyrebird_journal\(clause)", binds: bindings))
                ?? 0
            var paged = bindings
            paged.append(Int64(query.limit))
            paged.append(Int64(query.offset))
            let rows = try await connected().query(
                PostgresQuery(
                    unsafeSQL: """
                        SELECT request_id, time, method, path, provider, plugin, operation, model, source, status, streamed, error,
                            duration_ms, context, details FROM lyrebird_journal\(clause) ORDER BY seq LIMIT $\(paged.count - 1) OFFSET $\(paged.count)
                        """, binds: paged), logger: logger)
            var entries: [JournalEntry] = []
            for try await row in rows {
                let (
                    requestID, time, method, path, provider, plugin, operation, model, source, status, streamed, error, duration, context,
                    details
                ) =
                    try row.decode(
                        (
                            String, Double, String, String, String?, String?, String?, String?, String?, Int32, Bool, String?, Double,
                            String?,
                            String
                        ).self)
                var entry = JournalEntry(
                    requestID: requestID, time: time, method: method, path: path, provider: provider, plugin: plugin, operation: operation,
                    model: model, source: source, status: Int(status), streamed: streamed, error: error, durationMilliseconds: duration)
                entry.context = context
                JournalRecord.applyDetails(details, to: &entry)
                entries.append(entry)
            }
            return JournalPage(entries: entries, total: Int(total))
        }

        func clearJournal() async throws {
            try await connected().query("DELETE FROM lyrebird_journal", logger: logger)
        }

        // MARK: Counters

        func claimTurn(fixture: String, context: String, limit: Int?) async throws -> Int? {
            try await connected().withTransaction(logger: logger) { connection in
                let rows: PostgresRowSequence
                if let limit {
                    rows = try await connection.query(
                        """
                        INSERT INTO lyrebird_turns VALUES (\(fixture), \(context), 1) ON CONFLICT (fixture, context)
                        DO UPDATE SET count = lyrebird_turns.count + 1 WHERE lyrebird_turns.count < \(Int64(limit)) RETURNING count
                        """, logger: logger)
                } else {
                    rows = try await connection.query(
                        """
                        INSERT INTO lyrebird_turns VALUES (\(fixture), \(context), 1) ON CONFLICT (fixture, context)
                        DO UPDATE SET count = lyrebird_turns.count + 1 RETURNING count
                        """, logger: logger)
                }
                var count: Int64?
                for try await value in rows.decode(Int64.self) { count = value }
                guard let count else { return nil }
                try await Self.meet(context, connection, logger: logger)
                try await connection.query(
                    """
                    INSERT INTO lyrebird_hit_totals VALUES (\(fixture), 1) ON CONFLICT (fixture)
                    DO UPDATE SET count = lyrebird_hit_totals.count + 1
                    """, logger: logger)
                return Int(count) - 1
            }
        }

        func addHits(_ hits: [HitCount], contextLimit: Int) async throws {
            try await connected().withTransaction(logger: logger) { connection in
                for hit in hits {
                    let count = Int64(hit.count)
                    try await connection.query(
                        """
                        INSERT INTO lyrebird_turns VALUES (\(hit.fixture), \(hit.context), \(count)) ON CONFLICT (fixture, context)
                        DO UPDATE SET count = lyrebird_turns.count + excluded.count
                        """, logger: logger)
                    try await connection.query(
                        """
                        INSERT INTO lyrebird_hit_totals VALUES (\(hit.fixture), \(count)) ON CONFLICT (fixture)
                        DO UPDATE SET count = lyrebird_hit_totals.count + excluded.count
                        """, logger: logger)
                    try await Self.meet(hit.context, connection, logger: logger)
                }
                // The contexts met longest ago go first, their turns with them.
                let limit = Int64(contextLimit)
                try await connection.query(
                    """
                    DELETE FROM lyrebird_turns WHERE context IN
                        (SELECT context FROM lyrebird_contexts ORDER BY arrival DESC OFFSET \(limit))
                    """, logger: logger)
                try await connection.query(
                    """
                    DELETE FROM lyrebird_contexts WHERE context IN
                        (SELECT context FROM lyrebird_contexts ORDER BY arrival DESC OFFSET \(limit))
                    """, logger: logger)
            }
        }

        /// Notes that `context` has counts, once, in the order contexts arrive.
        private static func meet(_ context: String, _ connection: PostgresConnection, logger: Logger) async throws {
            try await connection.query(
                """
                INSERT INTO lyrebird_contexts VALUES (\(context), nextval('lyrebird_context_arrivals'))
                ON CONFLICT (context) DO NOTHING
                """, logger: logger)
        }

        func hits(fixture: String) async throws -> (total: Int, contexts: [String: Int]) {
            let total = try await single(Int64.self, "SELECT count FROM lyrebird_hit_totals WHERE fixture = \(fixture)") ?? 0
            var contexts: [String: Int] = [:]
            let rows = try await connected().query("SELECT context, count FROM lyrebird_turns WHERE fixture = \(fixture)", logger: logger)
            for try await (context, count) in rows.decode((String, Int64).self) { contexts[context] = Int(count) }
            return (Int(total), contexts)
        }

        func hitTotals() async throws -> [String: Int] {
            var totals: [String: Int] = [:]
            let rows = try await connected().query("SELECT fixture, count FROM lyrebird_hit_totals", logger: logger)
            for try await (fixture, count) in rows.decode((String, Int64).self) { totals[fixture] = Int(count) }
            return totals
        }

        func resetTurns(context: String?) async throws -> Int {
            try await connected().withTransaction(logger: logger) { connection in
                let rows: PostgresRowSequence
                if let context {
                    try await connection.query("DELETE FROM lyrebird_turns WHERE context = \(context)", logger: logger)
                    rows = try await connection.query(
                        "DELETE FROM lyrebird_contexts WHERE context = \(context) RETURNING context", logger: logger)
                } else {
                    try await connection.query("DELETE FROM lyrebird_turns", logger: logger)
                    rows = try await connection.query("DELETE FROM lyrebird_contexts RETURNING context", logger: logger)
                }
                var count = 0
                for try await _ in rows { count += 1 }
                return count
            }
        }

        func forgetCounts(fixture id: String) async throws {
            try await connected().withTransaction(logger: logger) { connection in
                try await connection.query("DELETE FROM lyrebird_turns WHERE fixture = \(id)", logger: logger)
                try await connection.query("DELETE FROM lyrebird_hit_totals WHERE fixture = \(id)", logger: logger)
            }
        }

        // MARK: Records

        func record(_ address: RecordAddress) async throws -> [UInt8]? {
            try await connected().withConnection { connection in try await Self.value(at: address, connection, logger: self.logger) }
        }

        func updateRecord(_ address: RecordAddress, spaceLimit: Int, _ change: @Sendable ([UInt8]?) throws -> RecordChange)
            async throws -> RecordUpdate
        {
            let (space, partition, key) = (address.space, address.partition, address.key)
            return try await connected().withTransaction(logger: logger) { connection in
                // One writer per space at a time across the fleet: the lock is held to the commit.
                try await connection.query("SELECT pg_advisory_xact_lock(7331002, hashtext(\(space)))", logger: logger)
                let previous = try await Self.value(at: address, connection, logger: logger)
                let current: [UInt8]?
                switch try change(previous) {
                case .keep:
                    return RecordUpdate(previous: previous, current: previous)
                case .set(let value):
                    guard RecordCost.of(value, key: key) + RecordCost.partition <= spaceLimit else {
                        throw RecordTooLarge(limit: spaceLimit)
                    }
                    try await connection.query(
                        """
                        INSERT INTO lyrebird_records VALUES (\(space), \(partition), \(key), \(ByteBuffer(bytes: value)))
                        ON CONFLICT (space, partition, key) DO UPDATE SET value = excluded.value
                        """, logger: logger)
                    current = value
                case .remove:
                    try await connection.query(
                        "DELETE FROM lyrebird_records WHERE space = \(space) AND partition = \(partition) AND key = \(key)", logger: logger)
                    current = nil
                }
                try await Self.account(
                    address, change: RecordCost.of(current, key: key) - RecordCost.of(previous, key: key), spaceLimit: spaceLimit,
                    connection, logger: logger)
                return RecordUpdate(previous: previous, current: current)
            }
        }

        private static func value(at address: RecordAddress, _ connection: PostgresConnection, logger: Logger) async throws -> [UInt8]? {
            let rows = try await connection.query(
                """
                SELECT value FROM lyrebird_records
                WHERE space = \(address.space) AND partition = \(address.partition) AND key = \(address.key)
                """, logger: logger)
            for try await buffer in rows.decode(ByteBuffer.self) { return Array(buffer.readableBytesView) }
            return nil
        }

        /// Books a change of `change` bytes in the record's partition and space, then drops the
        /// partitions written least recently while the space is over its limit.
        private static func account(
            _ address: RecordAddress, change: Int, spaceLimit: Int, _ connection: PostgresConnection, logger: Logger
        ) async throws {
            let (space, partition) = (address.space, address.partition)
            var before: Int64?
            let rows = try await connection.query(
                "SELECT bytes FROM lyrebird_record_partitions WHERE space = \(space) AND partition = \(partition)", logger: logger)
            for try await bytes in rows.decode(Int64.self) { before = bytes }
            let after = (before ?? 0) + Int64(change)
            var spaceChange = Int64(change)
            if after == 0 {
                try await connection.query(
                    "DELETE FROM lyrebird_record_partitions WHERE space = \(space) AND partition = \(partition)", logger: logger)
                if before != nil { spaceChange -= Int64(RecordCost.partition) }
            } else {
                try await connection.query(
                    """
                    INSERT INTO lyrebird_record_partitions VALUES (\(space), \(partition), \(after), nextval('lyrebird_record_writes'))
                    ON CONFLICT (space, partition) DO UPDATE SET bytes = excluded.bytes, written = excluded.written
                    """, logger: logger)
                if before == nil { spaceChange += Int64(RecordCost.partition) }
            }
            var total: Int64 = 0
            for try await bytes in try await connection.query(
                """
                INSERT INTO lyrebird_record_spaces VALUES (\(space), \(spaceChange))
                ON CONFLICT (space) DO UPDATE SET bytes = lyrebird_record_spaces.bytes + excluded.bytes RETURNING bytes
                """, logger: logger
            ).decode(Int64.self) { total = bytes }
            while total > Int64(spaceLimit) {
                var oldest: (String, Int64)?
                for try await row in try await connection.query(
                    """
                    SELECT partition, bytes FROM lyrebird_record_partitions WHERE space = \(space) AND partition <> \(partition)
                    ORDER BY written LIMIT 1
                    """, logger: logger
                ).decode((String, Int64).self) { oldest = row }
                guard let (dropped, bytes) = oldest else { break }
                try await connection.query("DELETE FROM lyrebird_records WHERE space = \(space) AND partition = \(dropped)", logger: logger)
                try await connection.query(
                    "DELETE FROM lyrebird_record_partitions WHERE space = \(space) AND partition = \(dropped)", logger: logger)
                total -= bytes + Int64(RecordCost.partition)
            }
            try await connection.query("UPDATE lyrebird_record_spaces SET bytes = \(total) WHERE space = \(space)", logger: logger)
        }

        // MARK: Usage

        func syncUsage(_ deltas: [UsageKey: UsageCount], current: [QuotaWindow: Int64]) async throws -> [UsageKey: UsageCount] {
            try await connected().withTransaction(logger: logger) { connection in
                for (key, delta) in deltas {
                    try await connection.query(
                        """
                        INSERT INTO lyrebird_usage VALUES (\(key.apiKey), \(key.window.rawValue), \(key.start), \(Int64(delta.requests)),
                            \(Int64(delta.tokens)))
                        ON CONFLICT (api_key, window_kind, start) DO UPDATE SET requests = lyrebird_usage.requests + excluded.requests,
                            tokens = lyrebird_usage.tokens + excluded.tokens
                        """, logger: logger)
                }
                var totals: [UsageKey: UsageCount] = [:]
                for (window, start) in current {
                    try await connection.query(
                        "DELETE FROM lyrebird_usage WHERE window_kind = \(window.rawValue) AND start < \(start)", logger: logger)
                    let rows = try await connection.query(
                        "SELECT api_key, requests, tokens FROM lyrebird_usage WHERE window_kind = \(window.rawValue) AND start = \(start)",
                        logger: logger)
                    for try await (key, requests, tokens) in rows.decode((String, Int64, Int64).self) {
                        totals[UsageKey(apiKey: key, window: window, start: start)] = UsageCount(
                            requests: Int(requests), tokens: Int(tokens))
                    }
                }
                return totals
            }
        }

        /// The one value of the first row of `query`, if it has one.
        private func single<Value: PostgresDecodable & Sendable>(_ type: Value.Type, _ query: PostgresQuery) async throws -> Value? {
            for try await value in try await connected().query(query, logger: logger).decode(Value.self) { return value }
            return nil
        }
    }
#endif
