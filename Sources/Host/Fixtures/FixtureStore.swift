import LyrebirdPluginAPI
import Synchronization

/// The fixtures a host answers from. Safe to read and change from any thread; a request sees
/// the list as it was when matching began.
///
/// A host's store hands every fixture added to it the host's `ScriptRuntime`: its Lua scripts
/// run on the host's script threads, with the host's Lua limits.
public final class FixtureStore: Sendable {
    private struct State {
        var fixtures: [Fixture] = []
        var nextNumber = 1
        /// How many fixtures have a Lua predicate.
        var scriptPredicates = 0
    }

    private let state = Mutex(State())
    private let scripts: ScriptRuntime?

    /// A store on its own: Lua predicates run with the limits they were configured with, and
    /// Lua responders answer only once a host's store holds them.
    public convenience init(_ fixtures: [Fixture] = []) {
        self.init(fixtures, scripts: nil)
    }

    /// A host's store.
    init(_ fixtures: [Fixture], scripts: ScriptRuntime?) {
        self.scripts = scripts
        for fixture in fixtures { add(fixture) }
    }

    /// All fixtures in the order they are tried.
    public var all: [Fixture] { state.withLock { $0.fixtures } }

    public var count: Int { state.withLock { $0.fixtures.count } }

    /// Adds a fixture after those of the same or higher priority and returns its id. An unnamed
    /// fixture gets the id `fixture-N`; a name already taken gets a `-N` suffix.
    @discardableResult
    public func add(_ fixture: Fixture) -> String {
        let fixture = scripts.map { fixture.running(on: $0) } ?? fixture
        return state.withLock { state in
            var fixture = fixture
            if fixture.id.isEmpty || state.fixtures.contains(where: { $0.id == fixture.id }) {
                let base = fixture.id.isEmpty ? "fixture" : fixture.id
                repeat {
                    fixture.id = "\(base)-\(state.nextNumber)"
                    state.nextNumber += 1
                } while state.fixtures.contains(where: { $0.id == fixture.id })
            }
            let position = state.fixtures.firstIndex(where: { $0.priority < fixture.priority }) ?? state.fixtures.endIndex
            state.fixtures.insert(fixture, at: position)
            if fixture.match.containsScriptPredicates { state.scriptPredicates += 1 }
            return fixture.id
        }
    }

    /// Removes the fixture with `id`; returns whether there was one.
    @discardableResult
    public func remove(id: String) -> Bool {
        state.withLock { state in
            guard let index = state.fixtures.firstIndex(where: { $0.id == id }) else { return false }
            if state.fixtures.remove(at: index).match.containsScriptPredicates { state.scriptPredicates -= 1 }
            return true
        }
    }

    /// Removes every fixture.
    public func removeAll() {
        state.withLock { state in
            state.fixtures.removeAll()
            state.scriptPredicates = 0
        }
    }

    /// Whether matching may run a Lua predicate. A Lua predicate runs on the thread that
    /// matches, within the Lua limits: a caller on an event loop or Swift's cooperative pool
    /// matches on the host's script threads when this is true.
    public var containsScriptPredicates: Bool { state.withLock { $0.scriptPredicates > 0 } }

    /// The first fixture that matches `request`. Lua predicates run on the calling thread.
    public func firstMatch(for request: CanonicalRequest) -> Fixture? {
        firstMatch(for: request, cancellation: nil)
    }

    /// The first fixture that matches `request`; `cancellation` stops a running Lua predicate.
    func firstMatch(for request: CanonicalRequest, cancellation: ScriptCancellation?) -> Fixture? {
        all.first { $0.match.matches(request, cancellation: cancellation) }
    }

    /// The fixtures that came closest to matching, closest first, each with the reasons it failed.
    public func nearMisses(for request: CanonicalRequest, limit: Int = 3) -> [(fixture: Fixture, reasons: [String])] {
        let ranked = all.map { fixture -> (Fixture, [String], Double) in
            let miss = fixture.match.explainMiss(request)
            return (fixture, miss.reasons, miss.closeness)
        }
        return ranked.enumerated()
            .sorted { ($0.element.2, -$0.offset) > ($1.element.2, -$1.offset) }
            .prefix(limit)
            .map { ($0.element.0, $0.element.1) }
    }
}
