import LyrebirdPluginAPI
import Synchronization

/// The fixtures a host answers from. Safe to read and change from any thread; a request sees
/// the list as it was when matching began.
public final class FixtureStore: Sendable {
    private struct State {
        var fixtures: [Fixture] = []
        var nextNumber = 1
    }

    private let state = Mutex(State())

    public init(_ fixtures: [Fixture] = []) {
        for fixture in fixtures { add(fixture) }
    }

    /// All fixtures in the order they are tried.
    public var all: [Fixture] { state.withLock { $0.fixtures } }

    public var count: Int { state.withLock { $0.fixtures.count } }

    /// Adds a fixture after those of the same or higher priority and returns its id. An unnamed
    /// fixture gets the id `fixture-N`; a name already taken gets a `-N` suffix.
    @discardableResult
    public func add(_ fixture: Fixture) -> String {
        state.withLock { state in
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
            return fixture.id
        }
    }

    /// Removes the fixture with `id`; returns whether there was one.
    @discardableResult
    public func remove(id: String) -> Bool {
        state.withLock { state in
            guard let index = state.fixtures.firstIndex(where: { $0.id == id }) else { return false }
            state.fixtures.remove(at: index)
            return true
        }
    }

    /// Removes every fixture.
    public func removeAll() {
        state.withLock { $0.fixtures.removeAll() }
    }

    /// The first fixture that matches `request`.
    public func firstMatch(for request: CanonicalRequest) -> Fixture? {
        all.first { $0.match.matches(request) }
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
