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
        /// For a fixture sent over HTTP, its size as `FixtureLimits` counts it.
        var postedSize: Int?
    }

    /// The fixture that answers a request, and which of its replies.
    struct Match {
        let entry: Entry
        /// The place of the reply in `Fixture.replies`.
        let step: Int

        var reply: FixtureReply { entry.fixture.replies[step] }
        var prepared: PreparedReply? { entry.prepared[step] }
    }

    /// The fixtures as matching sees them between two changes: in order, each condition compiled
    /// against indexes shared by all of them.
    final class Snapshot: Sendable {
        let entries: [Entry]
        let tests: [MatchTest]
        let indexes: [FieldIndex]
        /// Whether matching may run a Lua predicate.
        let containsScriptPredicates: Bool
        let counters: FixtureCounters

        init(_ entries: [Entry], counters: FixtureCounters) {
            var builder = MatchIndexBuilder()
            self.entries = entries
            self.counters = counters
            self.tests = entries.map { MatchTest($0.fixture.match, builder: &builder) }
            self.indexes = builder.build()
            self.containsScriptPredicates = entries.contains { $0.fixture.match.containsScriptPredicates }
        }

        /// The first fixture that matches the request of `subject` and still answers its
        /// context (a sequence that falls through does not), counted as a hit.
        func firstMatch(for subject: MatchSubject) -> Match? {
            for index in tests.indices {
                let test = tests[index]
                guard test.opens(subject) && test.passes(subject) else { continue }
                let entry = entries[index]
                guard let sequence = entry.fixture.sequence else {
                    _ = counters.claim(entry.fixture.id, context: subject.contextID)
                    return Match(entry: entry, step: 0)
                }
                let turn = counters.claim(entry.fixture.id, context: subject.contextID) { sequence.step(forTurn: $0) != nil }
                if let turn, let step = sequence.step(forTurn: turn) { return Match(entry: entry, step: step) }
            }
            return nil
        }
    }

    private struct State {
        var entries: [Entry] = []
        var snapshot: Snapshot
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

    private let state: Mutex<State>
    private let scripts: ScriptRuntime?
    /// How often each fixture answered, and where each context stands in each sequence.
    let counters: FixtureCounters
    /// The stream piece size fixed replies are prepared for.
    let streamChunkCharacters: Int

    /// A store on its own: Lua predicates run with the limits they were configured with, and
    /// Lua responders answer only once a host's store holds them.
    public convenience init(_ fixtures: [Fixture] = []) {
        let defaults = HostConfiguration()
        self.init(fixtures, scripts: nil, streamChunkCharacters: defaults.streamChunkCharacters, contextLimit: defaults.maxContexts)
    }

    /// A host's store.
    init(_ fixtures: [Fixture], scripts: ScriptRuntime?, streamChunkCharacters: Int, contextLimit: Int) {
        self.scripts = scripts
        self.streamChunkCharacters = streamChunkCharacters
        let counters = FixtureCounters(contextLimit: contextLimit)
        self.counters = counters
        state = Mutex(State(snapshot: Snapshot([], counters: counters)))
        state.withLock { state in
            for fixture in fixtures { _ = insert(fixture, into: &state) }
            state.snapshot = Snapshot(state.entries, counters: counters)
        }
    }

    /// All fixtures in the order they are tried.
    public var all: [Fixture] { state.withLock { $0.entries.map(\.fixture) } }

    /// How often the fixture with `id` answered since it was added: in total, and in each
    /// context id the host keeps (`HostConfiguration.maxContexts`) since that context's last
    /// reset.
    public func hits(of id: String) -> (total: Int, contexts: [String: Int]) { counters.hits(of: id) }

    /// The fixtures that have answered no request since they were added, in the order they are tried.
    public var neverHit: [Fixture] {
        let totals = counters.totals
        return all.filter { totals[$0.id] == nil }
    }

    /// Starts the reply sequences of `context` again (its hit counts with them), or of every
    /// context when it is `nil`; returns how many contexts were reset.
    @discardableResult
    public func resetSequences(context: String? = nil) -> Int { counters.reset(context: context) }

    /// How many fixtures the store holds.
    public var count: Int { state.withLock { $0.entries.count } }

    /// Adds a fixture after those of the same or higher priority and returns its id. An unnamed
    /// fixture gets the id `fixture-N`; a name already taken gets a `-N` suffix.
    @discardableResult
    public func add(_ fixture: Fixture) -> String {
        state.withLock { state in
            let id = insert(fixture, into: &state)
            state.snapshot = Snapshot(state.entries, counters: counters)
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
            state.snapshot = Snapshot(state.entries, counters: counters)
            return .success(id)
        }
    }

    private func insert(_ fixture: Fixture, into state: inout State, postedSize: Int? = nil) -> String {
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
            return PreparedReply(message, streamChunkCharacters: streamChunkCharacters)
        }
        // Entries are in falling priority: the new one goes after every entry of its priority
        // or a higher one, found by halving (a file of 10,000 fixtures loads in one pass).
        var low = 0
        var high = state.entries.count
        while low < high {
            let middle = (low + high) / 2
            if state.entries[middle].fixture.priority >= fixture.priority { low = middle + 1 } else { high = middle }
        }
        state.entries.insert(Entry(fixture: fixture, prepared: prepared, postedSize: postedSize), at: low)
        return fixture.id
    }

    /// Removes the fixture with `id`; returns whether there was one.
    @discardableResult
    public func remove(id: String) -> Bool {
        state.withLock { state in
            guard state.ids.remove(id) != nil, let index = state.entries.firstIndex(where: { $0.fixture.id == id }) else { return false }
            if let size = state.entries.remove(at: index).postedSize {
                state.postedCount -= 1
                state.postedBytes -= size
            }
            counters.forget(id)
            state.snapshot = Snapshot(state.entries, counters: counters)
            return true
        }
    }

    /// Removes every fixture.
    public func removeAll() {
        state.withLock { state in
            state.entries.removeAll()
            state.ids.removeAll()
            counters.removeAll()
            state.postedCount = 0
            state.postedBytes = 0
            state.snapshot = Snapshot([], counters: counters)
        }
    }

    /// Whether matching may run a Lua predicate. A Lua predicate runs on the thread that
    /// matches, within the Lua limits: a caller on an event loop or Swift's cooperative pool
    /// matches on the host's script threads when this is true.
    public var containsScriptPredicates: Bool { snapshot.containsScriptPredicates }

    /// The first fixture that matches `request`. Lua predicates run on the calling thread.
    public func firstMatch(for request: CanonicalRequest) -> Fixture? {
        let snapshot = self.snapshot
        return snapshot.firstMatch(for: MatchSubject(request, indexes: snapshot.indexes, cancellation: nil))?.entry.fixture
    }

    /// The fixtures as they are now, ready for matching.
    var snapshot: Snapshot { state.withLock { $0.snapshot } }

    /// The fixtures that came closest to matching, closest first, each with the reasons it failed.
    public func nearMisses(for request: CanonicalRequest, limit: Int = 3) -> [(fixture: Fixture, reasons: [String])] {
        let snapshot = self.snapshot
        return snapshot.nearMisses(for: MatchSubject(request, indexes: snapshot.indexes, cancellation: nil), limit: limit)
    }
}

extension FixtureStore.Snapshot {
    /// What matching found for one request.
    struct Outcome: Sendable {
        /// The fixture that answers, if one does.
        var match: FixtureStore.Match?
        /// When none does, the closest fixtures, each with why it failed.
        var misses: [(fixture: Fixture, reasons: [String])] = []
        /// Why Lua predicates that ran failed; each counted as no match.
        var predicateFailures: [String] = []
        /// When the fixture matched by a conversation flow whose conversation holds more than
        /// the flow names, what the journal says about it.
        var drift: String?
    }

    /// Matches the request of `subject`, explaining a miss.
    func outcome(for subject: MatchSubject) -> Outcome {
        var outcome = Outcome(match: firstMatch(for: subject))
        if let match = outcome.match {
            outcome.drift =
                match.entry.fixture.match.flows.lazy.compactMap { flow in
                    flow.positions(in: subject.request.messages).flatMap { flow.drift($0, in: subject.request.messages) }
                }.first
        } else {
            outcome.misses = nearMisses(for: subject)
        }
        outcome.predicateFailures = subject.predicateFailures
        return outcome
    }

    /// How many fixtures a rough ranking hands on to be explained in full.
    private static let shortlist = 8

    /// The fixtures that came closest to matching the request of `subject`, closest first, each
    /// with the reasons it failed. Every fixture is ranked roughly (`MatchTest.roughCloseness`),
    /// then the closest few are explained, each field of the request read and normalised once
    /// for them all; only the first `FuzzySimilarity.rankingLimit` characters of a text count
    /// toward closeness.
    func nearMisses(for subject: MatchSubject, limit: Int = 3) -> [(fixture: Fixture, reasons: [String])] {
        guard limit > 0, !entries.isEmpty else { return [] }
        var shortlist: [(index: Int, closeness: Double)] = []
        for index in tests.indices {
            let closeness = tests[index].roughCloseness(subject)
            // Earlier fixtures win ties: a later one must be strictly closer to enter a full list.
            guard shortlist.count < Self.shortlist || closeness > shortlist[shortlist.count - 1].closeness else { continue }
            let place = shortlist.firstIndex { $0.closeness < closeness } ?? shortlist.count
            shortlist.insert((index, closeness), at: place)
            if shortlist.count > Self.shortlist { shortlist.removeLast() }
        }
        let explained = shortlist.map { candidate -> (Fixture, [String], Double, Int) in
            let fixture = entries[candidate.index].fixture
            let miss = fixture.match.explainMiss(subject)
            if miss.reasons.isEmpty, fixture.sequence != nil {
                return (
                    fixture, ["its replies are used up in context \(subject.contextID.debugDescription) (after_last: fall_through)"], 1,
                    candidate.index
                )
            }
            return (fixture, miss.reasons, miss.closeness, candidate.index)
        }
        return explained.sorted { ($0.2, -$0.3) > ($1.2, -$1.3) }.prefix(limit).map { ($0.0, $0.1) }
    }
}
