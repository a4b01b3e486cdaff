import LyrebirdPluginAPI
import Synchronization

/// The fixtures a host answers from. Safe to read and change from any thread; a request sees
/// the list as it was when matching began.
///
/// A host's store hands every fixture added to it the host's `ScriptRuntime`: its Lua scripts
/// run on the host's script threads, with the host's Lua limits.
public final class FixtureStore: Sendable {
    /// A fixture with its fixed replies already cut into events.
    struct Entry: Sendable {
        let fixture: Fixture
        /// Each of the fixture's replies (`Fixture.replies`) that is fixed, prepared.
        let prepared: [PreparedReply?]
        /// Where the fixture came from.
        var origin: Origin
    }

    /// Where a fixture came from, which says what may replace it.
    enum Origin: Sendable, Equatable {
        /// The configuration file: a reload of the file replaces it.
        case file
        /// Code that embeds the host (`add(_:)`).
        case code
        /// The admin API, at run time, with its size as `FixtureLimits` counts it: kept in the
        /// store, and replaced when another host of a fleet changes the run-time fixtures.
        case posted(size: Int)

        var postedSize: Int? {
            if case .posted(let size) = self { return size }
            return nil
        }
    }

    /// The fixture that answers a request, and which of its replies.
    struct Match {
        let entry: Entry
        /// The fixture's place in its snapshot.
        let place: Int
        /// The place of the reply in `Fixture.replies`.
        let step: Int

        var reply: FixtureReply { entry.fixture.replies[step] }
        var prepared: PreparedReply? { entry.prepared[step] }
    }

    private struct State {
        var entries: [Entry] = []
        var snapshot = Snapshot([])
        /// The ids of `entries`.
        var ids: Set<String> = []
        var nextNumber = 1
        /// How many fixtures were sent over HTTP, and their sizes together.
        var postedCount = 0
        var postedBytes = 0
    }

    /// Why a fixture sent over HTTP was not added.
    enum PostedRefusal: Error, Equatable {
        /// The store holds `FixtureLimits.maxRuntimeFixtures` of them.
        case tooMany(limit: Int)
        /// Together they would take more than `FixtureLimits.maxRuntimeFixtureBytes`.
        case full(limit: Int, used: Int)
    }

    private let state = Mutex(State())
    private let scripts: ScriptRuntime?
    /// Where hit counts and sequence turns are kept.
    let store: HostStore
    /// The stream piece size fixed replies are prepared for.
    let streamChunkCharacters: Int

    /// A store on its own: Lua predicates run with the limits they were configured with, and
    /// Lua responders answer only once a host's store holds them.
    public convenience init(_ fixtures: [Fixture] = []) {
        let defaults = HostConfiguration()
        self.init(
            fixtures, scripts: nil, streamChunkCharacters: defaults.streamChunkCharacters,
            store: .inMemory(contextLimit: defaults.maxContexts))
    }

    /// A host's store, holding the fixtures of its configuration file.
    init(_ fixtures: [Fixture], scripts: ScriptRuntime?, streamChunkCharacters: Int, store: HostStore) {
        self.scripts = scripts
        self.streamChunkCharacters = streamChunkCharacters
        self.store = store
        state.withLock { state in
            for fixture in fixtures { _ = insert(fixture, into: &state, origin: .file) }
            state.snapshot = Snapshot(state.entries)
        }
    }

    /// All fixtures in the order they are tried.
    public var all: [Fixture] { state.withLock { $0.entries.map(\.fixture) } }

    /// How often the fixture with `id` answered: in total, and in each context id the host
    /// keeps (`HostConfiguration.maxContexts`) since that context's last reset.
    public func hits(of id: String) async throws -> (total: Int, contexts: [String: Int]) {
        await store.writer.flush()
        return try await store.engine.hits(fixture: id)
    }

    /// The fixtures that have answered no request, in the order they are tried.
    public func neverHit() async throws -> [Fixture] {
        await store.writer.flush()
        let totals = try await store.engine.hitTotals()
        return all.filter { totals[$0.id] == nil }
    }

    /// Starts the reply sequences of `context` again (its hit counts with them), or of every
    /// context when it is `nil`; returns how many contexts were reset.
    @discardableResult
    public func resetSequences(context: String? = nil) async throws -> Int {
        await store.writer.flush()
        return try await store.engine.resetTurns(context: context)
    }

    /// How many fixtures the store holds.
    public var count: Int { state.withLock { $0.entries.count } }

    /// Adds a fixture after those of the same or higher priority and returns its id. An unnamed
    /// fixture gets the id `fixture-N`; a name already taken gets a `-N` suffix.
    @discardableResult
    public func add(_ fixture: Fixture) -> String {
        state.withLock { state in
            let id = insert(fixture, into: &state, origin: .code)
            state.snapshot = Snapshot(state.entries)
            return id
        }
    }

    /// Adds a fixture sent over HTTP whose size is `size`, within `limits`; returns its id.
    func addPosted(_ fixture: Fixture, size: Int, limits: FixtureLimits) -> Result<String, PostedRefusal> {
        state.withLock { state in
            guard state.postedCount < limits.maxRuntimeFixtures else { return .failure(.tooMany(limit: limits.maxRuntimeFixtures)) }
            guard size <= limits.maxRuntimeFixtureBytes - state.postedBytes else {
                return .failure(.full(limit: limits.maxRuntimeFixtureBytes, used: state.postedBytes))
            }
            let id = insert(fixture, into: &state, origin: .posted(size: size))
            state.postedCount += 1
            state.postedBytes += size
            state.snapshot = Snapshot(state.entries)
            return .success(id)
        }
    }

    private func insert(_ fixture: Fixture, into state: inout State, origin: Origin) -> String {
        var fixture = scripts.map { fixture.running(on: $0) } ?? fixture
        if fixture.id.isEmpty || state.ids.contains(fixture.id) {
            let base = fixture.id.isEmpty ? "fixture" : fixture.id
            repeat {
                fixture.id = "\(base)-\(state.nextNumber)"
                state.nextNumber += 1
            } while state.ids.contains(fixture.id)
        }
        state.ids.insert(fixture.id)
        let prepared = fixture.replies.map { reply -> PreparedReply? in
            guard case .message(let message) = reply else { return nil }
            return PreparedReply(message, chunk: fixture.timing?.chunk ?? .characters(streamChunkCharacters))
        }
        // Entries are in falling priority: the new one goes after every entry of its priority
        // or a higher one, found by halving (a file of 10,000 fixtures loads in one pass).
        var low = 0
        var high = state.entries.count
        while low < high {
            let middle = (low + high) / 2
            if state.entries[middle].fixture.priority >= fixture.priority { low = middle + 1 } else { high = middle }
        }
        state.entries.insert(Entry(fixture: fixture, prepared: prepared, origin: origin), at: low)
        return fixture.id
    }

    /// Removes the fixture with `id`; returns whether there was one.
    @discardableResult
    public func remove(id: String) -> Bool {
        state.withLock { state in
            guard state.ids.remove(id) != nil, let index = state.entries.firstIndex(where: { $0.fixture.id == id }) else { return false }
            if let size = state.entries.remove(at: index).origin.postedSize {
                state.postedCount -= 1
                state.postedBytes -= size
            }
            state.snapshot = Snapshot(state.entries)
            return true
        }
    }

    /// Replaces every fixture of `origin`'s kind (the file's, or those posted at run time) with
    /// `fixtures`, in their order, keeping their ids; the others stay.
    func replaceAll(of origin: Origin, with fixtures: [(fixture: Fixture, origin: Origin)]) {
        state.withLock { state in
            let isReplaced = { (entry: Entry) in
                switch (entry.origin, origin) {
                case (.file, .file), (.code, .code), (.posted, .posted): return true
                default: return false
                }
            }
            for entry in state.entries where isReplaced(entry) {
                state.ids.remove(entry.fixture.id)
                if let size = entry.origin.postedSize {
                    state.postedCount -= 1
                    state.postedBytes -= size
                }
            }
            state.entries.removeAll(where: isReplaced)
            for (fixture, origin) in fixtures {
                _ = insert(fixture, into: &state, origin: origin)
                if let size = origin.postedSize {
                    state.postedCount += 1
                    state.postedBytes += size
                }
            }
            state.snapshot = Snapshot(state.entries)
        }
    }

    /// The fixtures posted at run time with their origins, in the order they are tried.
    var posted: [(fixture: Fixture, origin: Origin)] {
        state.withLock { $0.entries.filter { $0.origin.postedSize != nil }.map { ($0.fixture, $0.origin) } }
    }

    /// Where the fixture with `id` came from, if there is one.
    func origin(of id: String) -> Origin? {
        state.withLock { $0.entries.first { $0.fixture.id == id }?.origin }
    }

    /// Removes every fixture.
    public func removeAll() {
        state.withLock { state in
            state.entries.removeAll()
            state.ids.removeAll()
            state.postedCount = 0
            state.postedBytes = 0
            state.snapshot = Snapshot([])
        }
    }

    /// Whether matching may run a Lua predicate. A Lua predicate runs on the thread that
    /// matches, within the Lua limits: a caller on an event loop or Swift's cooperative pool
    /// matches on the host's script threads when this is true.
    public var containsScriptPredicates: Bool { snapshot.containsScriptPredicates }

    /// The first fixture whose conditions `request` meets, without counting a hit or a turn.
    /// Lua predicates run on the calling thread.
    public func firstMatch(for request: CanonicalRequest) -> Fixture? {
        let snapshot = self.snapshot
        let subject = MatchSubject(request, indexes: snapshot.indexes, cancellation: nil)
        return snapshot.firstPassing(subject, from: 0).map { snapshot.entries[$0].fixture }
    }

    /// The fixtures as they are now, ready for matching.
    var snapshot: Snapshot { state.withLock { $0.snapshot } }

    /// The fixtures that came closest to matching, closest first, each with the reasons it failed.
    public func nearMisses(for request: CanonicalRequest, limit: Int = 3) -> [(fixture: Fixture, reasons: [String])] {
        let snapshot = self.snapshot
        return snapshot.nearMisses(for: MatchSubject(request, indexes: snapshot.indexes, cancellation: nil), limit: limit)
    }
}
