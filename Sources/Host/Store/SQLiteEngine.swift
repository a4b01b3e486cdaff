import Foundation
import GRDB
import LyrebirdPluginAPI

/// The store in SQLite, through GRDB: in memory by default, or in a file in WAL mode, where a
/// committed write survives the process being killed (`synchronous = NORMAL`: only a power
/// failure can take the last writes).
final class SQLiteEngine: StoreEngine {
    let location: StoreLocation
    private let database: any DatabaseWriter

    /// Opens (and creates or upgrades) the database at `location` (`.memory` or `.sqlite`).
    init(_ location: StoreLocation) throws {
        self.location = location
        var configuration = Configuration()
        configuration.label = "lyrebird.store"
        configuration.prepareDatabase { database in
            try database.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        switch location {
        case .sqlite(let path):
            database = try DatabasePool(path: path, configuration: configuration)
        default:
            database = try DatabaseQueue(configuration: configuration)
        }
        try Self.migrator.migrate(database)
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("1") { database in
            try database.execute(
                sql: """
                    CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
                    INSERT INTO meta VALUES ('fixtures_version', 0), ('context_arrivals', 0);
                    CREATE TABLE runtime_fixtures (id TEXT PRIMARY KEY, text TEXT NOT NULL, position INTEGER NOT NULL);
                    CREATE TABLE journal (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT, request_id TEXT NOT NULL, time REAL NOT NULL,
                        method TEXT NOT NULL, path TEXT NOT NULL, provider TEXT, plugin TEXT, operation TEXT, model TEXT,
                        source TEXT, status INTEGER NOT NULL, streamed INTEGER NOT NULL, error TEXT,
                        duration_ms REAL NOT NULL, context TEXT, details TEXT NOT NULL);
                    CREATE INDEX journal_time ON journal(time);
                    CREATE TABLE contexts (context TEXT PRIMARY KEY, arrival INTEGER NOT NULL);
                    CREATE INDEX contexts_arrival ON contexts(arrival);
                    CREATE TABLE turns (fixture TEXT NOT NULL, context TEXT NOT NULL, count INTEGER NOT NULL,
                        PRIMARY KEY (fixture, context));
                    CREATE TABLE hit_totals (fixture TEXT PRIMARY KEY, count INTEGER NOT NULL);
                    """)
        }
        migrator.registerMigration("2") { database in
            try database.execute(
                sql: """
                    INSERT INTO meta VALUES ('record_writes', 0);
                    CREATE TABLE records (space TEXT NOT NULL, partition TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL,
                        PRIMARY KEY (space, partition, key));
                    CREATE TABLE record_partitions (space TEXT NOT NULL, partition TEXT NOT NULL, bytes INTEGER NOT NULL,
                        written INTEGER NOT NULL, PRIMARY KEY (space, partition));
                    CREATE INDEX record_partitions_written ON record_partitions(space, written);
                    CREATE TABLE record_spaces (space TEXT PRIMARY KEY, bytes INTEGER NOT NULL);
                    """)
        }
        migrator.registerMigration("3") { database in
            try database.execute(
                sql: """
                    CREATE TABLE usage (api_key TEXT NOT NULL, window_kind TEXT NOT NULL, start INTEGER NOT NULL,
                        requests INTEGER NOT NULL, tokens INTEGER NOT NULL, PRIMARY KEY (api_key, window_kind, start));
                    """)
        }
        return migrator
    }

    // MARK: Fixtures

    func runtimeFixtures() async throws -> [StoredFixture] {
        try await database.read { database in
            try Row.fetchAll(database, sql: "SELECT id, text, position FROM runtime_fixtures ORDER BY position, id").map { row in
                StoredFixture(id: row["id"], text: row["text"], position: row["position"])
            }
        }
    }

    func saveFixture(_ fixture: StoredFixture) async throws {
        try await database.write { database in
            try database.execute(
                sql:
                    "INSERT INTO runtime_fixtures VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET text = excluded.text, position = excluded.position",
                arguments: [fixture.id, fixture.text, fixture.position])
            try Self.bumpFixturesVersion(database)
        }
    }

    func deleteFixture(id: String) async throws -> Bool {
        try await database.write { database in
            try database.execute(sql: "DELETE FROM runtime_fixtures WHERE id = ?", arguments: [id])
            guard database.changesCount > 0 else { return false }
            try Self.bumpFixturesVersion(database)
            return true
        }
    }

    func setPositions(_ positions: [(id: String, position: Int)]) async throws {
        try await database.write { database in
            for (id, position) in positions {
                try database.execute(sql: "UPDATE runtime_fixtures SET position = ? WHERE id = ?", arguments: [position, id])
            }
            try Self.bumpFixturesVersion(database)
        }
    }

    func fixturesVersion() async throws -> Int64 {
        try await database.read { database in
            try Int64.fetchOne(database, sql: "SELECT value FROM meta WHERE key = 'fixtures_version'") ?? 0
        }
    }

    private static func bumpFixturesVersion(_ database: Database) throws {
        try database.execute(sql: "UPDATE meta SET value = value + 1 WHERE key = 'fixtures_version'")
    }

    // MARK: Journal

    func appendJournal(_ entries: [JournalEntry], retention: JournalRetention) async throws {
        guard !entries.isEmpty else { return }
        try await database.write { database in
            let statement = try database.cachedStatement(
                sql: """
                    INSERT INTO journal (request_id, time, method, path, provider, plugin, operation, model, source, status,
                        streamed, error, duration_ms, context, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for entry in entries {
                try statement.execute(arguments: JournalRecord.arguments(of: entry))
            }
            let oldest = Date().timeIntervalSince1970 - retention.maxAge
            try database.execute(sql: "DELETE FROM journal WHERE time < ?", arguments: [oldest])
            // Entries are only ever removed oldest first, so their numbers run without a gap.
            try database.execute(
                sql: "DELETE FROM journal WHERE seq <= (SELECT MAX(seq) FROM journal) - ?", arguments: [retention.maxEntries])
        }
    }

    func journal(_ query: JournalQuery) async throws -> JournalPage {
        try await database.read { database in
            let (clause, arguments) = JournalRecord.whereClause(query)
            let total =
                try Int.fetchOne(database, sql: "SELECT COUNT(*) FROM journal\(clause)", arguments: StatementArguments(arguments)) ?? 0
            let rows = try Row.fetchAll(
                database, sql: "SELECT * FROM journal\(clause) ORDER BY seq LIMIT ? OFFSET ?",
                arguments: StatementArguments(arguments + [query.limit, query.offset]))
            return JournalPage(entries: rows.map(JournalRecord.entry(from:)), total: total)
        }
    }

    func clearJournal() async throws {
        try await database.write { database in try database.execute(sql: "DELETE FROM journal") }
    }

    // MARK: Counters

    func claimTurn(fixture: String, context: String, limit: Int?) async throws -> Int? {
        try await database.write { database in
            let limitClause = limit == nil ? "" : " WHERE turns.count < ?"
            var arguments: [(any DatabaseValueConvertible)?] = [fixture, context]
            if let limit { arguments.append(limit) }
            guard
                let count = try Int.fetchOne(
                    database,
                    sql: """
                        INSERT INTO turns (fixture, context, count) VALUES (?, ?, 1)
                        ON CONFLICT(fixture, context) DO UPDATE SET count = turns.count + 1\(limitClause) RETURNING count
                        """, arguments: StatementArguments(arguments))
            else { return nil }
            try Self.meet(context, database)
            try database.execute(
                sql: "INSERT INTO hit_totals VALUES (?, 1) ON CONFLICT(fixture) DO UPDATE SET count = count + 1", arguments: [fixture])
            return count - 1
        }
    }

    func addHits(_ hits: [HitCount], contextLimit: Int) async throws {
        try await database.write { database in
            for hit in hits {
                try database.execute(
                    sql: "INSERT INTO turns VALUES (?, ?, ?) ON CONFLICT(fixture, context) DO UPDATE SET count = count + excluded.count",
                    arguments: [hit.fixture, hit.context, hit.count])
                try database.execute(
                    sql: "INSERT INTO hit_totals VALUES (?, ?) ON CONFLICT(fixture) DO UPDATE SET count = count + excluded.count",
                    arguments: [hit.fixture, hit.count])
                try Self.meet(hit.context, database)
            }
            // The contexts met longest ago go first, their turns with them.
            try database.execute(
                sql: """
                    DELETE FROM turns WHERE context IN
                        (SELECT context FROM contexts ORDER BY arrival DESC LIMIT -1 OFFSET ?);
                    DELETE FROM contexts WHERE context IN
                        (SELECT context FROM contexts ORDER BY arrival DESC LIMIT -1 OFFSET ?);
                    """, arguments: [contextLimit, contextLimit])
        }
    }

    /// Notes that `context` has counts, once, in the order contexts arrive.
    private static func meet(_ context: String, _ database: Database) throws {
        try database.execute(
            sql: """
                INSERT INTO contexts (context, arrival) SELECT ?, value + 1 FROM meta WHERE key = 'context_arrivals'
                ON CONFLICT(context) DO NOTHING
                """, arguments: [context])
        if database.changesCount > 0 {
            try database.execute(sql: "UPDATE meta SET value = value + 1 WHERE key = 'context_arrivals'")
        }
    }

    func hits(fixture: String) async throws -> (total: Int, contexts: [String: Int]) {
        try await database.read { database in
            let total = try Int.fetchOne(database, sql: "SELECT count FROM hit_totals WHERE fixture = ?", arguments: [fixture]) ?? 0
            var contexts: [String: Int] = [:]
            for row in try Row.fetchAll(database, sql: "SELECT context, count FROM turns WHERE fixture = ?", arguments: [fixture]) {
                contexts[row["context"]] = row["count"]
            }
            return (total, contexts)
        }
    }

    func hitTotals() async throws -> [String: Int] {
        try await database.read { database in
            var totals: [String: Int] = [:]
            for row in try Row.fetchAll(database, sql: "SELECT fixture, count FROM hit_totals") { totals[row["fixture"]] = row["count"] }
            return totals
        }
    }

    func resetTurns(context: String?) async throws -> Int {
        try await database.write { database in
            guard let context else {
                let count = try Int.fetchOne(database, sql: "SELECT COUNT(*) FROM contexts") ?? 0
                try database.execute(sql: "DELETE FROM turns; DELETE FROM contexts")
                return count
            }
            try database.execute(sql: "DELETE FROM turns WHERE context = ?", arguments: [context])
            try database.execute(sql: "DELETE FROM contexts WHERE context = ?", arguments: [context])
            return database.changesCount
        }
    }

    func forgetCounts(fixture id: String) async throws {
        try await database.write { database in
            try database.execute(sql: "DELETE FROM turns WHERE fixture = ?", arguments: [id])
            try database.execute(sql: "DELETE FROM hit_totals WHERE fixture = ?", arguments: [id])
        }
    }

    // MARK: Records

    func record(_ address: RecordAddress) async throws -> [UInt8]? {
        try await database.read { database in try Self.value(at: address, database) }
    }

    func updateRecord(_ address: RecordAddress, spaceLimit: Int, _ change: @Sendable ([UInt8]?) throws -> RecordChange)
        async throws -> RecordUpdate
    {
        // GRDB runs one write at a time, so the read, the change and the write are one step.
        try await database.write { database in
            let previous = try Self.value(at: address, database)
            let current: [UInt8]?
            switch try change(previous) {
            case .keep:
                return RecordUpdate(previous: previous, current: previous)
            case .set(let value):
                guard RecordCost.of(value, key: address.key) + RecordCost.partition <= spaceLimit else {
                    throw RecordTooLarge(limit: spaceLimit)
                }
                try database.execute(
                    sql: "INSERT INTO records VALUES (?, ?, ?, ?) ON CONFLICT(space, partition, key) DO UPDATE SET value = excluded.value",
                    arguments: [address.space, address.partition, address.key, Data(value)])
                current = value
            case .remove:
                try database.execute(
                    sql: "DELETE FROM records WHERE space = ? AND partition = ? AND key = ?",
                    arguments: [address.space, address.partition, address.key])
                current = nil
            }
            try Self.account(
                address, change: RecordCost.of(current, key: address.key) - RecordCost.of(previous, key: address.key),
                spaceLimit: spaceLimit, database)
            return RecordUpdate(previous: previous, current: current)
        }
    }

    private static func value(at address: RecordAddress, _ database: Database) throws -> [UInt8]? {
        try Data.fetchOne(
            database, sql: "SELECT value FROM records WHERE space = ? AND partition = ? AND key = ?",
            arguments: [address.space, address.partition, address.key]
        ).map { [UInt8]($0) }
    }

    /// Books a change of `change` bytes in the record's partition and space, then drops the
    /// partitions written least recently while the space is over its limit.
    private static func account(_ address: RecordAddress, change: Int, spaceLimit: Int, _ database: Database) throws {
        let (space, partition) = (address.space, address.partition)
        let before = try Int.fetchOne(
            database, sql: "SELECT bytes FROM record_partitions WHERE space = ? AND partition = ?", arguments: [space, partition])
        let after = (before ?? 0) + change
        var spaceChange = change
        if after == 0 {
            try database.execute(sql: "DELETE FROM record_partitions WHERE space = ? AND partition = ?", arguments: [space, partition])
            if before != nil { spaceChange -= RecordCost.partition }
        } else {
            try database.execute(sql: "UPDATE meta SET value = value + 1 WHERE key = 'record_writes'")
            try database.execute(
                sql: """
                    INSERT INTO record_partitions SELECT ?, ?, ?, value FROM meta WHERE key = 'record_writes'
                    ON CONFLICT(space, partition) DO UPDATE SET bytes = excluded.bytes, written = excluded.written
                    """, arguments: [space, partition, after])
            if before == nil { spaceChange += RecordCost.partition }
        }
        var total =
            try Int.fetchOne(
                database,
                sql:
                    "INSERT INTO record_spaces VALUES (?, ?) ON CONFLICT(space) DO UPDATE SET bytes = bytes + excluded.bytes RETURNING bytes",
                arguments: [space, spaceChange]) ?? 0
        while total > spaceLimit,
            let oldest = try Row.fetchOne(
                database, sql: "SELECT partition, bytes FROM record_partitions WHERE space = ? AND partition != ? ORDER BY written LIMIT 1",
                arguments: [space, partition])
        {
            let dropped: String = oldest["partition"]
            try database.execute(sql: "DELETE FROM records WHERE space = ? AND partition = ?", arguments: [space, dropped])
            try database.execute(sql: "DELETE FROM record_partitions WHERE space = ? AND partition = ?", arguments: [space, dropped])
            total -= (oldest["bytes"] as Int) + RecordCost.partition
        }
        try database.execute(sql: "UPDATE record_spaces SET bytes = ? WHERE space = ?", arguments: [total, space])
    }

    // MARK: Usage

    func syncUsage(_ deltas: [UsageKey: UsageCount], current: [QuotaWindow: Int64]) async throws -> [UsageKey: UsageCount] {
        try await database.write { database in
            for (key, delta) in deltas {
                try database.execute(
                    sql: """
                        INSERT INTO usage VALUES (?, ?, ?, ?, ?) ON CONFLICT(api_key, window_kind, start)
                        DO UPDATE SET requests = requests + excluded.requests, tokens = tokens + excluded.tokens
                        """, arguments: [key.apiKey, key.window.rawValue, key.start, delta.requests, delta.tokens])
            }
            var totals: [UsageKey: UsageCount] = [:]
            for (window, start) in current {
                try database.execute(sql: "DELETE FROM usage WHERE window_kind = ? AND start < ?", arguments: [window.rawValue, start])
                let rows = try Row.fetchAll(
                    database, sql: "SELECT api_key, requests, tokens FROM usage WHERE window_kind = ? AND start = ?",
                    arguments: [window.rawValue, start])
                for row in rows {
                    totals[UsageKey(apiKey: row["api_key"], window: window, start: start)] =
                        UsageCount(requests: row["requests"], tokens: row["tokens"])
                }
            }
            return totals
        }
    }
}
