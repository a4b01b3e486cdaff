import LyrebirdPluginAPI
import Synchronization

/// The fixtures a host answers from. Safe to read and change from any thread; a request sees
/// the list as it was when matching began.
///
/// A host's store hands every fixture added to it the host's `ScriptRuntime`: its Lua scripts
/// run on the host's script threads, with the host's Lua limits.
public final class FixtureStore: Sendable {
    /// A fixture with its fixed reply already cut into events.
    struct Entry: Sendable {
        let fixture: Fixture
        let prepared: PreparedReply?
        /// For a fixture sent over HTTP, its size as `FixtureLimits` counts it.
        var postedSize: Int?
    }

    /// The fixtures as matching sees them between two changes: in order, each condition compiled
    /// against indexes shared by all of them.
    final class Snapshot: Sendable {
        let entries: [Entry]
        let tests: [MatchTest]
        let indexes: [FieldIndex]
        /// Whether matching may run a Lua predicate.
        let containsScriptPredicates: Bool

        init(_ entries: [Entry]) {
            var builder = MatchIndexBuilder()
            self.entries = entries
            self.tests = entries.map { MatchTest($0.fixture.match, builder: &builder) }
            self.indexes = builder.build()
            self.containsScriptPredicates = entries.contains { $0.fixture.match.containsScriptPredicates }
        }

        /// The first entry whose fixture matches the request of `subject`.
        func firstMatch(for subject: MatchSubject) -> Entry? {
            for index in tests.indices {
                let test = tests[index]
                if test.opens(subject) && test.passes(subject) { return entries[index] }
            }
            return nil
        }
    }

    private struct State {
        var entries: [Entry] = []
        var snapshot = Snapshot([])
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
    /// The stream piece size fixed replies are prepared for.
    let streamChunkCharacters: Int

    /// A store on its own: Lua predicates run with the limits they were configured with, and
    /// Lua responders answer only once a host's store holds them.
    public convenience init(_ fixtures: [Fixture] = []) {
        self.init(fixtures, scripts: nil, streamChunkCharacters: HostConfiguration().streamChunkCharacters)
    }

    /// A host's store.
    init(_ fixtures: [Fixture], scripts: ScriptRuntime?, streamChunkCharacters: Int) {
        self.scripts = scripts
        self.streamChunkCharacters = streamChunkCharacters
        state.withLock { state in
            for fixture in fixtures { _ = insert(fixture, into: &state) }
            state.snapshot = Snapshot(state.entries)
        }
    }

    /// All fixtures in the order they are tried.
    public var all: [Fixture] { state.withLock { $0.entries.map(\.fixture) } }

    /// How many fixtures the store holds.
    public var count: Int { state.withLock { $0.entries.count } }

    /// Adds a fixture after those of the same or higher priority and returns its id. An unnamed
    /// fixture gets the id `fixture-N`; a name already taken gets a `-N` suffix.
    @discardableResult
    public func add(_ fixture: Fixture) -> String {
        state.withLock { state in
            let id = insert(fixture, into: &state)
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
            let id = insert(fixture, into: &state, postedSize: size)
            state.postedCount += 1
            state.postedBytes += size
            state.snapshot = Snapshot(state.entries)
            return .success(id)
        }
    }

    private func insert(_ fixture: Fixture, into state: inout State, postedSize: Int? = nil) -> String {
        var fixture = scripts.map { fixture.running(on: $0) } ?? fixture
        if fixture.id.isEmpty || state.entries.contains(where: { $0.fixture.id == fixture.id }) {
            let base = fixture.id.isEmpty ? "fixture" : fixture.id
            repeat {
                fixture.id = "\(base)-\(state.nextNumber)"
                state.nextNumber += 1
            } while state.entries.contains(where: { $0.fixture.id == fixture.id })
        }
        var prepared: PreparedReply?
        if case .message(let reply) = fixture.reply {
            prepared = PreparedReply(reply, streamChunkCharacters: streamChunkCharacters)
        }
        let position = state.entries.firstIndex(where: { $0.fixture.priority < fixture.priority }) ?? state.entries.endIndex
        state.entries.insert(Entry(fixture: fixture, prepared: prepared, postedSize: postedSize), at: position)
        return fixture.id
    }

    /// Removes the fixture with `id`; returns whether there was one.
    @discardableResult
    public func remove(id: String) -> Bool {
        state.withLock { state in
            guard let index = state.entries.firstIndex(where: { $0.fixture.id == id }) else { return false }
            if let size = state.entries.remove(at: index).postedSize {
                state.postedCount -= 1
                state.postedBytes -= size
            }
            state.snapshot = Snapshot(state.entries)
            return true
        }
    }

    /// Removes every fixture.
    public func removeAll() {
        state.withLock { state in
            state.entries.removeAll()
            state.postedCount = 0
            state.postedBytes = 0
            state.snapshot = Snapshot([])
        }
    }

    /// Whether matching may run a Lua predicate. A Lua predicate runs on the thread that
    /// matches, within the Lua limits: a caller on an event loop or Swift's cooperative pool
    /// matches on the host's script threads when this is true.
    public var containsScriptPredicates: Bool { snapshot.containsScriptPredicates }

    /// The first fixture that matches `request`. Lua predicates run on the calling thread.
    public func firstMatch(for request: CanonicalRequest) -> Fixture? {
        let snapshot = self.snapshot
        return snapshot.firstMatch(for: MatchSubject(request, indexes: snapshot.indexes, cancellation: nil))?.fixture
    }

    /// The fixtures as they are now, ready for matching.
    var snapshot: Snapshot { state.withLock { $0.snapshot } }

    /// The fixtures that came closest to matching, closest first, each with the reasons it failed.
    /// Each field of the request is read, searched and normalised once for all fixtures; only
    /// the first `FuzzySimilarity.rankingLimit` characters of a text count toward closeness.
    public func nearMisses(for request: CanonicalRequest, limit: Int = 3) -> [(fixture: Fixture, reasons: [String])] {
        let snapshot = self.snapshot
        let subject = MatchSubject(request, indexes: snapshot.indexes, cancellation: nil)
        let ranked = snapshot.entries.map { entry -> (Fixture, [String], Double) in
            let miss = entry.fixture.match.explainMiss(subject)
            return (entry.fixture, miss.reasons, miss.closeness)
        }
        return ranked.enumerated()
            .sorted { ($0.element.2, -$0.offset) > ($1.element.2, -$1.offset) }
            .prefix(limit)
            .map { ($0.element.0, $0.element.1) }
    }
}
