import LyrebirdPluginAPI
import Synchronization

/// The fixtures a host answers from. Safe to read and change from any thread; a request sees
/// the list as it was when matching began.
public final class FixtureStore: Sendable {
    /// A fixture with its condition ready to test and its fixed reply already cut into events.
    struct Entry: Sendable {
        let fixture: Fixture
        let test: MatchTest
        let prepared: PreparedReply?
    }

    private struct State {
        var entries: [Entry] = []
        var nextNumber = 1
    }

    private let state = Mutex(State())
    /// The stream piece size fixed replies are prepared for.
    let streamChunkCharacters: Int

    public convenience init(_ fixtures: [Fixture] = []) {
        self.init(fixtures, streamChunkCharacters: HostConfiguration().streamChunkCharacters)
    }

    init(_ fixtures: [Fixture], streamChunkCharacters: Int) {
        self.streamChunkCharacters = streamChunkCharacters
        for fixture in fixtures { add(fixture) }
    }

    /// All fixtures in the order they are tried.
    public var all: [Fixture] { state.withLock { $0.entries.map(\.fixture) } }

    public var count: Int { state.withLock { $0.entries.count } }

    /// Adds a fixture after those of the same or higher priority and returns its id. An unnamed
    /// fixture gets the id `fixture-N`; a name already taken gets a `-N` suffix.
    @discardableResult
    public func add(_ fixture: Fixture) -> String {
        var prepared: PreparedReply?
        if case .message(let reply) = fixture.reply {
            prepared = PreparedReply(reply, streamChunkCharacters: streamChunkCharacters)
        }
        let test = MatchTest(fixture.match)
        return state.withLock { state in
            var fixture = fixture
            if fixture.id.isEmpty || state.entries.contains(where: { $0.fixture.id == fixture.id }) {
                let base = fixture.id.isEmpty ? "fixture" : fixture.id
                repeat {
                    fixture.id = "\(base)-\(state.nextNumber)"
                    state.nextNumber += 1
                } while state.entries.contains(where: { $0.fixture.id == fixture.id })
            }
            let position = state.entries.firstIndex(where: { $0.fixture.priority < fixture.priority }) ?? state.entries.endIndex
            state.entries.insert(Entry(fixture: fixture, test: test, prepared: prepared), at: position)
            return fixture.id
        }
    }

    /// Removes the fixture with `id`; returns whether there was one.
    @discardableResult
    public func remove(id: String) -> Bool {
        state.withLock { state in
            guard let index = state.entries.firstIndex(where: { $0.fixture.id == id }) else { return false }
            state.entries.remove(at: index)
            return true
        }
    }

    /// Removes every fixture.
    public func removeAll() {
        state.withLock { $0.entries.removeAll() }
    }

    /// The first fixture that matches `request`.
    public func firstMatch(for request: CanonicalRequest) -> Fixture? {
        firstMatch(for: MatchSubject(request))?.fixture
    }

    /// The first entry whose fixture matches the request of `subject`.
    func firstMatch(for subject: MatchSubject) -> Entry? {
        let entries = state.withLock { $0.entries }
        return entries.first { $0.test.passes(subject) }
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
