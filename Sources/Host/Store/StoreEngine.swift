/// What a host keeps in its store, behind one interface with two engines: SQLite (in memory or
/// in a file) for one host, PostgreSQL for a fleet. Every call may suspend; none blocks a thread.
protocol StoreEngine: Sendable {
    /// Where the state lives, for the start-up log.
    var location: StoreLocation { get }

    // MARK: Fixtures created at run time

    /// The fixtures created at run time, in their order.
    func runtimeFixtures() async throws -> [StoredFixture]
    /// Adds `fixture`, or replaces the one with its id.
    func saveFixture(_ fixture: StoredFixture) async throws
    /// Removes the fixture with `id`; whether there was one.
    func deleteFixture(id: String) async throws -> Bool
    /// Gives each listed fixture its position.
    func setPositions(_ positions: [(id: String, position: Int)]) async throws
    /// A number that changes whenever a host changes the fixtures, for hosts that cache them.
    func fixturesVersion() async throws -> Int64

    // MARK: Journal

    /// Adds entries, then drops what `retention` no longer keeps.
    func appendJournal(_ entries: [JournalEntry], retention: JournalRetention) async throws
    /// The entries `query` selects, oldest first, and how many it selects in all.
    func journal(_ query: JournalQuery) async throws -> JournalPage
    /// Removes every entry.
    func clearJournal() async throws

    // MARK: Counters

    /// Counts one answer of fixture `fixture` in `context` and returns the context's turn before
    /// it (0 for its first), unless the context has had `limit` turns already: then nothing is
    /// counted and the answer is `nil`.
    func claimTurn(fixture: String, context: String, limit: Int?) async throws -> Int?
    /// Adds hits counted on the hot path, in one write, keeping at most `contextLimit` contexts.
    func addHits(_ hits: [HitCount], contextLimit: Int) async throws
    /// How often fixture `fixture` answered: in total, and in each context kept.
    func hits(fixture: String) async throws -> (total: Int, contexts: [String: Int])
    /// How often each fixture answered, in total.
    func hitTotals() async throws -> [String: Int]
    /// Starts the turns of `context`, or of every context when `nil`, again; how many contexts.
    func resetTurns(context: String?) async throws -> Int
    /// Forgets every count of fixture `id`: it was removed.
    func forgetCounts(fixture id: String) async throws

    // MARK: Records (Lua store values, providers' records such as stored responses)

    /// The value at `address`, if there is one.
    func record(_ address: RecordAddress) async throws -> [UInt8]?
    /// Replaces the record at `address` by what `change` makes of its value, under a lock every
    /// host of the store honours, so that a read, change and write by one host never interleaves
    /// with another's. While the space then costs more than `spaceLimit` (`RecordCost`), its
    /// partitions written least recently are dropped, never the one just written.
    ///
    /// - Throws: `RecordTooLarge` when the new value alone costs more than `spaceLimit`, or what
    ///   `change` throws; either way nothing is changed.
    func updateRecord(_ address: RecordAddress, spaceLimit: Int, _ change: @Sendable ([UInt8]?) throws -> RecordChange)
        async throws -> RecordUpdate

    // MARK: Usage (quotas)

    /// Adds what a host counted to the usage counters, drops the counters of windows before
    /// `current` (each window's start now), and returns every counter of the current windows,
    /// with what every host counted.
    func syncUsage(_ deltas: [UsageKey: UsageCount], current: [QuotaWindow: Int64]) async throws -> [UsageKey: UsageCount]
}

/// A fixture created at run time as the store keeps it: the text it was sent as (JSON or YAML),
/// decoded again when a host loads it.
struct StoredFixture: Sendable, Equatable {
    var id: String
    var text: String
    /// Where it stands among the fixtures created at run time; lower first.
    var position: Int
}

/// Hits of one fixture in one context, counted on the hot path and written later.
struct HitCount: Sendable, Hashable {
    var fixture: String
    var context: String
    var count: Int
}

/// How much of the journal a store keeps.
public struct JournalRetention: Sendable, Equatable {
    /// The most entries kept (`settings.journal_max_entries`); the oldest go first.
    public var maxEntries: Int = 100_000
    /// How long an entry is kept, in seconds (`settings.journal_max_age_seconds`).
    public var maxAge: Double = 7 * 86_400

    public init() {}
}
