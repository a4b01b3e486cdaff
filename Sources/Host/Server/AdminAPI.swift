import LyrebirdPluginAPI

/// The host's own endpoints, the same for every provider.
enum AdminEndpoint: Sendable, CaseIterable {
    case health
    case listFixtures
    case addFixture
    case deleteFixture
    case journal
    case resetSequences
    case openAPI

    var method: HTTPMethodName {
        switch self {
        case .health, .listFixtures, .journal, .openAPI: return .get
        case .addFixture, .resetSequences: return .post
        case .deleteFixture: return .delete
        }
    }

    var path: String {
        switch self {
        case .health: return "/health"
        case .listFixtures, .addFixture: return "/fixtures"
        case .deleteFixture: return "/fixtures/{id}"
        case .journal: return "/journal"
        case .resetSequences: return "/_lyrebird/sequences/reset"
        case .openAPI: return "/_lyrebird/openapi.json"
        }
    }
}

/// Serves the admin endpoints: health, fixtures added and removed at run time, the journal,
/// reply sequences reset, and the OpenAPI document of the routes.
struct AdminAPI: Sendable {
    let fixtures: FixtureStore
    let journal: Journal
    let version: String
    /// The native plugins the host serves, for `/health`.
    let plugins: [LoadedPlugin]
    /// The Lua settings fixtures sent here are compiled with: the host's.
    let lua: LuaEnvironment
    /// Which script files those fixtures may name.
    let scriptFiles: ScriptFileAccess
    /// Where their scripts' top level first runs, as every script does.
    let scripts: ScriptThreadPool
    /// What those fixtures may hold.
    let fixtureLimits: FixtureLimits
    /// The OpenAPI document of the host's routes, written once when the host was built: the
    /// routes never change after that.
    let openAPIDocument: [UInt8]

    func handle(_ endpoint: AdminEndpoint, _ request: WireRequest, parameters: [String: String]) async -> WireResponse {
        switch endpoint {
        case .health:
            return Self.json { writer in
                writer.member("status", "healthy")
                writer.member("version", version)
                writer.member("fixtures", fixtures.count)
                writer.member(
                    "plugins",
                    array: { writer in
                        for plugin in plugins { plugin.write(into: &writer) }
                    })
            }
        case .listFixtures:
            let all = fixtures.all
            var hits: [String: (total: Int, contexts: [String: Int])] = [:]
            let neverHit: [Fixture]
            do {
                for fixture in all { hits[fixture.id] = try await fixtures.hits(of: fixture.id) }
                neverHit = try await fixtures.neverHit()
            } catch {
                return Self.errorResponse(.storeFailed(error))
            }
            return Self.json { writer in
                writer.member("object", "list")
                writer.member(
                    "data",
                    array: { writer in
                        for fixture in all {
                            let hits = hits[fixture.id] ?? (0, [:])
                            writer.object { writer in
                                writer.member("id", fixture.id)
                                writer.member("name", fixture.name)
                                writer.member("priority", fixture.priority)
                                writer.member("hits", hits.total)
                                writer.member(
                                    "hits_by_context",
                                    object: { writer in
                                        for (context, count) in hits.contexts.sorted(by: { $0.key < $1.key }) {
                                            writer.member(context, count)
                                        }
                                    })
                            }
                        }
                    })
                writer.member("never_hit", array: { writer in neverHit.forEach { writer.string($0.id) } })
            }
        case .addFixture:
            return await addFixture(request)
        case .deleteFixture:
            // A client percent-encodes an id with spaces, slashes or other reserved characters;
            // the router decodes path parameters once (decoding again would turn "a%20b" into "a b").
            let id = parameters["id"] ?? ""
            guard fixtures.remove(id: id) else {
                return Self.errorResponse(
                    ReplyError(
                        status: 404, message: "No fixture with id \(id.debugDescription).", type: "invalid_request_error",
                        code: "fixture_not_found"))
            }
            return Self.json { writer in
                writer.member("id", id)
                writer.member("object", "fixture")
                writer.member("deleted", true)
            }
        case .resetSequences:
            return await resetSequences(request)
        case .openAPI:
            return WireResponse(status: 200, body: openAPIDocument)
        case .journal:
            return Self.json { writer in
                writer.member("object", "list")
                writer.member(
                    "data",
                    array: { writer in
                        for entry in journal.all {
                            writer.object { writer in
                                writer.member("request_id", entry.requestID)
                                writer.member("time", entry.time)
                                writer.member("method", entry.method)
                                writer.member("path", entry.path)
                                writer.member("provider", entry.provider)
                                writer.member("plugin", entry.plugin)
                                writer.member("operation", entry.operation)
                                writer.member("model", entry.model)
                                writer.member("source", entry.source)
                                writer.member("status", entry.status)
                                writer.member("streamed", entry.streamed)
                                writer.member("error", entry.error)
                                writer.member("warnings", array: { writer in entry.warnings.forEach { writer.string($0) } })
                                writer.member("context", entry.context)
                                writer.member("near_misses", array: { writer in entry.nearMisses.forEach { writer.string($0) } })
                                writer.member("duration_ms", entry.durationMilliseconds)
                            }
                        }
                    })
            }
        }
    }

    /// Starts the reply sequences of one context (`{"context": "..."}`) or of all again.
    private func resetSequences(_ request: WireRequest) async -> WireResponse {
        var context: String?
        if !request.body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            let body: JSONValue
            do {
                body = try JSONValue.parse(request.body, maximumDepth: 8)
            } catch {
                return Self.errorResponse(.invalidParameter("body", "The body must be JSON: \(error)", code: "invalid_json"))
            }
            guard case .object(let members) = body, members.keys.allSatisfy({ $0 == "context" }) else {
                return Self.errorResponse(
                    .invalidParameter("body", "The body may hold only context, a context id; without it every context is reset."))
            }
            switch members["context"] {
            case nil: break
            case .string(let id)?: context = id
            default: return Self.errorResponse(.invalidParameter("context", "context must be a string, a context id."))
            }
        }
        let count: Int
        do {
            count = try await fixtures.resetSequences(context: context)
        } catch {
            return Self.errorResponse(.storeFailed(error))
        }
        return Self.json { writer in
            writer.member("object", "sequences.reset")
            writer.member("context", context)
            writer.member("contexts_reset", count)
        }
    }

    /// Decodes a fixture sent over HTTP and adds it, within the fixture limits.
    private func addFixture(_ request: WireRequest) async -> WireResponse {
        let text = String(decoding: request.body, as: UTF8.self)
        let lua = self.lua
        let scriptFiles = self.scriptFiles
        let limit = fixtureLimits.maxFixtureBytes
        let decoded: Result<(fixture: Fixture, size: Int), Fixture.PostedFixtureError>
        do {
            // Decoding compiles the fixture's scripts and runs their top level.
            decoded = try await scripts.run { _ in
                Fixture.decodePosted(text, lua: lua, scriptFiles: scriptFiles, maximumSize: limit)
            }
        } catch {
            return Self.errorResponse(error.replyError)
        }
        let posted: (fixture: Fixture, size: Int)
        switch decoded {
        case .success(let found):
            posted = found
        case .failure(.tooLarge(let limit)):
            return Self.errorResponse(.fixtureTooLarge(limit: limit))
        case .failure(.invalid(let error)):
            let message = error.problems.map(\.description).joined(separator: "; ")
            return Self.errorResponse(ReplyError.invalidParameter("fixture", "Invalid fixture: \(message)", code: "invalid_fixture"))
        }
        // The name becomes the id that DELETE /fixtures/{id} takes in its path: a longer one
        // could be added but, percent-encoded, not sent back to delete it.
        guard posted.fixture.id.utf8.count <= Self.maximumNameBytes else {
            return Self.errorResponse(
                ReplyError.invalidParameter(
                    "fixture",
                    "Invalid fixture: name is \(posted.fixture.id.utf8.count) bytes long; a fixture added here may have a name of at most \(Self.maximumNameBytes) bytes.",
                    code: "invalid_fixture"))
        }
        switch fixtures.addPosted(posted.fixture, size: posted.size, limits: fixtureLimits) {
        case .success(let id):
            return Self.json(status: 201) { writer in
                writer.member("id", id)
                writer.member("object", "fixture")
            }
        case .failure(let refusal):
            return Self.errorResponse(.fixtureRefused(refusal, size: posted.size))
        }
    }

    /// The longest name (in UTF-8 bytes) of a fixture added with `POST /fixtures`.
    static let maximumNameBytes = 256

    static func json(status: Int = 200, _ body: (inout JSONWriter) -> Void) -> WireResponse {
        var writer = JSONWriter()
        writer.object(body)
        return WireResponse(status: status, body: writer.bytes)
    }

    /// The host's own error shape, which is OpenAI's.
    static func errorResponse(_ error: ReplyError) -> WireResponse {
        WireResponse(status: error.status, body: error.openAIShapeBody)
    }
}
