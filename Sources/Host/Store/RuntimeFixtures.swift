import Logging
import LyrebirdPluginAPI
import ServiceLifecycle
import Synchronization

/// The fixtures created at run time through the admin API: kept in the store, and in the host's
/// fixture store for matching. A change goes to the store before it is answered, so a change a
/// client saw answered survives a restart; the fixtures are read back when the host starts, and
/// again whenever another host of its fleet changed them (the store's fixtures version moved),
/// checked every `syncInterval` while the host runs.
final class RuntimeFixtures: Service, Sendable {
    let fixtures: FixtureStore
    let engine: any StoreEngine
    let limits: FixtureLimits
    /// Decodes a fixture's text as the host's Lua settings and script files allow, on the host's
    /// script threads (a fixture's scripts run their top level when compiled).
    let decode: @Sendable (String) async throws(ScriptPoolError) -> Result<(fixture: Fixture, size: Int), Fixture.PostedFixtureError>
    private let logger: Logger
    /// The store's fixtures version these fixtures reflect; -1 before they were read.
    private let knownVersion = Mutex<Int64>(-1)
    /// Changes go one at a time, so that versions and positions follow each other.
    private let changes = AsyncLock()

    static let syncInterval = Duration.milliseconds(500)

    /// The longest name (in UTF-8 bytes) of a fixture created here: its id goes in the paths of
    /// `/_lyrebird/fixtures/{id}`, percent-encoded.
    static let maximumNameBytes = 256

    init(
        fixtures: FixtureStore, engine: any StoreEngine, limits: FixtureLimits, logger: Logger,
        decode:
            @escaping @Sendable (String) async throws(ScriptPoolError) -> Result<(fixture: Fixture, size: Int), Fixture.PostedFixtureError>
    ) {
        self.fixtures = fixtures
        self.engine = engine
        self.limits = limits
        self.logger = logger
        self.decode = decode
    }

    // MARK: Changes

    /// Creates a fixture from its text; its id, or the error the client gets.
    func add(_ text: String) async -> Result<String, ReplyError> {
        await changes.withLock {
            let posted: (fixture: Fixture, size: Int)
            switch await decoded(text) {
            case .success(let found): posted = found
            case .failure(let error): return .failure(error)
            }
            let id: String
            switch fixtures.addPosted(posted.fixture, size: posted.size, limits: limits) {
            case .success(let added): id = added
            case .failure(let refusal): return .failure(.fixtureRefused(refusal, size: posted.size))
            }
            do {
                let position = (try await engine.runtimeFixtures().map(\.position).max() ?? 0) + 1
                try await write { try await engine.saveFixture(StoredFixture(id: id, text: text, position: position)) }
            } catch {
                fixtures.remove(id: id)
                return .failure(.storeFailed(error))
            }
            return .success(id)
        }
    }

    /// Replaces the run-time fixture `id` with the one `text` holds, in its place.
    func replace(_ id: String, with text: String) async -> Result<Void, ReplyError> {
        await changes.withLock {
            if let refusal = Self.refusalToChange(id, origin: fixtures.origin(of: id)) { return .failure(refusal) }
            let replacement: (fixture: Fixture, size: Int)
            switch await decoded(text) {
            case .success(let found): replacement = found
            case .failure(let error): return .failure(error)
            }
            var current = fixtures.posted
            guard let place = current.firstIndex(where: { $0.fixture.id == id }) else { return .failure(.fixtureNotFound(id)) }
            let others = current.reduce(0) { $0 + ($1.origin.postedSize ?? 0) } - (current[place].origin.postedSize ?? 0)
            guard replacement.size <= limits.maxRuntimeFixtureBytes - others else {
                return .failure(.fixtureRefused(.full(limit: limits.maxRuntimeFixtureBytes, used: others), size: replacement.size))
            }
            do {
                let stored = try await engine.runtimeFixtures().first { $0.id == id }
                try await write {
                    try await engine.saveFixture(StoredFixture(id: id, text: text, position: stored?.position ?? 0))
                }
            } catch {
                return .failure(.storeFailed(error))
            }
            var fixture = replacement.fixture
            fixture.id = id
            current[place] = (fixture, .posted(size: replacement.size))
            fixtures.replaceAll(of: .posted(size: 0), with: current)
            return .success(())
        }
    }

    /// Deletes the run-time fixture `id`.
    func delete(_ id: String) async -> Result<Void, ReplyError> {
        await changes.withLock {
            if let refusal = Self.refusalToChange(id, origin: fixtures.origin(of: id)) { return .failure(refusal) }
            do {
                try await write { _ = try await engine.deleteFixture(id: id) }
                try await engine.forgetCounts(fixture: id)
            } catch {
                return .failure(.storeFailed(error))
            }
            fixtures.remove(id: id)
            return .success(())
        }
    }

    /// Puts the run-time fixtures `ids` first, in this order; the others follow in theirs.
    func reorder(_ ids: [String]) async -> Result<Void, ReplyError> {
        await changes.withLock {
            let current = fixtures.posted
            let known = Set(current.map(\.fixture.id))
            if let unknown = ids.first(where: { !known.contains($0) }) {
                return .failure(
                    .invalidParameter(
                        "order", "\(unknown.debugDescription) is not a fixture created at run time", code: "fixture_not_found"))
            }
            guard Set(ids).count == ids.count else {
                return .failure(.invalidParameter("order", "the order names a fixture twice", code: "invalid_order"))
            }
            let listed = ids.compactMap { id in current.first { $0.fixture.id == id } }
            let reordered = listed + current.filter { !ids.contains($0.fixture.id) }
            do {
                try await write {
                    try await engine.setPositions(reordered.enumerated().map { ($0.element.fixture.id, $0.offset + 1) })
                }
            } catch {
                return .failure(.storeFailed(error))
            }
            fixtures.replaceAll(of: .posted(size: 0), with: reordered)
            return .success(())
        }
    }

    /// Decodes a fixture sent to the admin API, within the fixture limits.
    private func decoded(_ text: String) async -> Result<(fixture: Fixture, size: Int), ReplyError> {
        let result: Result<(fixture: Fixture, size: Int), Fixture.PostedFixtureError>
        do {
            result = try await decode(text)
        } catch {
            return .failure(error.replyError)
        }
        switch result {
        case .success(let posted):
            // The name becomes the id that the fixture's paths take: a longer one could be added
            // but, percent-encoded, not named in a path again.
            guard posted.fixture.id.utf8.count <= Self.maximumNameBytes else {
                return .failure(
                    ReplyError.invalidParameter(
                        "fixture",
                        "Invalid fixture: name is \(posted.fixture.id.utf8.count) bytes long; a fixture added here may have a name of at most \(Self.maximumNameBytes) bytes.",
                        code: "invalid_fixture"))
            }
            return .success(posted)
        case .failure(.tooLarge(let limit)):
            return .failure(.fixtureTooLarge(limit: limit))
        case .failure(.invalid(let error)):
            let message = error.problems.map(\.description).joined(separator: "; ")
            return .failure(ReplyError.invalidParameter("fixture", "Invalid fixture: \(message)", code: "invalid_fixture"))
        }
    }

    /// Why the fixture `id` cannot be changed here: there is none, or it was not created here.
    private static func refusalToChange(_ id: String, origin: FixtureStore.Origin?) -> ReplyError? {
        switch origin {
        case nil: return .fixtureNotFound(id)
        case .posted: return nil
        case .file, .code:
            return ReplyError(
                status: 409,
                message:
                    "The fixture \(id.debugDescription) is declared in the configuration file or in code, not created at run time; edit it there.",
                type: "invalid_request_error", param: "id", code: "fixture_not_runtime")
        }
    }

    /// Runs a change to the store's fixtures, then notes the version it made: when nothing else
    /// changed them in between, these fixtures need not be read again.
    private func write(_ change: () async throws -> Void) async throws {
        let before = try await engine.fixturesVersion()
        try await change()
        let after = try await engine.fixturesVersion()
        knownVersion.withLock { known in
            if known == before { known = after }
        }
    }

    // MARK: Reading back

    /// Reads the run-time fixtures from the store when another host changed them (or when they
    /// were never read); a fixture that no longer decodes is left out, with a log line.
    func synchronize() async throws {
        try await changes.withLock {
            let version = try await engine.fixturesVersion()
            guard version != knownVersion.withLock({ $0 }) else { return }
            var loaded: [(fixture: Fixture, origin: FixtureStore.Origin)] = []
            for stored in try await engine.runtimeFixtures() {
                switch try await decode(stored.text) {
                case .success(let posted):
                    var fixture = posted.fixture
                    fixture.id = stored.id
                    loaded.append((fixture, .posted(size: posted.size)))
                case .failure(let error):
                    logger.error("the stored fixture \(stored.id.debugDescription) no longer loads and is left out: \(error)")
                }
            }
            fixtures.replaceAll(of: .posted(size: 0), with: loaded)
            knownVersion.withLock { $0 = version }
        }
    }

    /// Reads the fixtures again whenever the store's version moves, until the host stops.
    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await synchronize()
            } catch {
                logger.warning("cannot read the run-time fixtures from the store: \(error)")
            }
            try? await Task.sleep(for: Self.syncInterval)
        }
    }
}

extension ReplyError {
    /// There is no fixture with this id.
    static func fixtureNotFound(_ id: String) -> ReplyError {
        ReplyError(
            status: 404, message: "No fixture with id \(id.debugDescription).", type: "invalid_request_error", code: "fixture_not_found")
    }
}
