import LyrebirdPluginAPI

/// Serves the admin endpoints (`AdminEndpoint`): health, the fixtures and the run-time ones'
/// changes, the journal and its verification, reply sequences reset, and the OpenAPI document
/// of the routes.
struct AdminAPI: Sendable {
    let fixtures: FixtureStore
    /// The fixtures created at run time, kept in the store.
    let runtime: RuntimeFixtures
    let journal: Journal
    /// The clock quotas count by, which `/_lyrebird/clock` reads and moves.
    let clock: HostClock
    /// The quota stage, whose keys' use `/_lyrebird/quotas` shows.
    let quotas: QuotaStage
    /// What `GET /metrics` shows; `nil` with `settings.metrics: false`.
    let metrics: HostMetrics?
    /// The fault stage, whose per-context profiles `/_lyrebird/faults` sets.
    let faults: FaultStage
    /// The live journals open (`/_lyrebird/journal/stream`).
    let journalStreams: JournalStreams
    /// Whether `/_lyrebird/ui/` serves the dashboard (`settings.dashboard`).
    let dashboardEnabled: Bool
    let version: String
    /// The native plugins the host serves, for `/health`.
    let plugins: [LoadedPlugin]
    /// The OpenAPI document of the host's routes, written once when the host was built: the
    /// routes never change after that.
    let openAPIDocument: [UInt8]

    func handle(_ endpoint: AdminEndpoint, _ request: WireRequest, parameters: [String: String]) async -> WireResponse {
        // A client percent-encodes an id with spaces, slashes or other reserved characters; the
        // router decodes path parameters once (decoding again would turn "a%20b" into "a b").
        let id = parameters["id"] ?? ""
        switch endpoint {
        case .health: return await health()
        case .listFixtures, .fixtures: return await listFixtures(legacy: endpoint == .listFixtures)
        case .fixture: return await fixture(id)
        case .addFixture, .createFixture: return await createFixture(request)
        case .replaceFixture: return await replaceFixture(id, request)
        case .deleteFixture, .removeFixture: return await deleteFixture(id, memoryOnlyAllowed: endpoint == .deleteFixture)
        case .reorderFixtures: return await reorderFixtures(request)
        case .resetSequences: return await resetSequences(request)
        case .journal: return await recentJournal()
        case .journalQuery: return await queryJournal(request)
        case .clearJournal: return await clearJournal()
        case .verifyHits: return await verifyHits(id, request)
        case .verifyUnmatched: return await verifyUnmatched(request)
        case .verifyCalls: return await verifyCalls(request)
        case .openAPI: return WireResponse(status: 200, body: openAPIDocument)
        case .clock: return readClock()
        case .advanceClock: return advanceClock(request)
        case .usageAnalytics: return await usageAnalytics(request)
        case .summaryAnalytics: return await summaryAnalytics(request)
        case .verdicts: return await verdicts(request)
        case .metrics: return metricsPage()
        case .faultProfiles: return listFaultProfiles()
        case .faultProfile: return faultProfile(parameters["context"] ?? "")
        case .setFaultProfile: return setFaultProfile(parameters["context"] ?? "", request)
        case .removeFaultProfile: return removeFaultProfile(parameters["context"] ?? "")
        case .dashboard: return dashboardFile("index.html")
        case .dashboardAsset: return dashboardFile(parameters["file"] ?? "")
        case .quotaUse: return quotaUse()
        case .journalStream:
            // Without a connection to hold open (the host's `respond(to:)` takes this path only
            // through `HostResponder`): the live journal's first event.
            let (total, entries) = journal.recent(since: 0, limit: JournalStreams.firstShown)
            return WireResponse(
                status: 200, contentType: "text/event-stream", body: JournalStreams.event(total: total, new: total, entries: entries))
        }
    }

    /// The host's status: `healthy`, or `degraded` while its store cannot be reached (the host
    /// still answers from the fixtures it holds, but writes nothing and claims no turns).
    private func health() async -> WireResponse {
        let reachable = (try? await fixtures.store.engine.fixturesVersion()) != nil
        return Self.json { writer in
            writer.member("status", reachable ? "healthy" : "degraded")
            writer.member("version", version)
            writer.member("fixtures", fixtures.count)
            writer.member("store", fixtures.store.engine.location.description)
            writer.member("store_reachable", reachable)
            writer.member(
                "plugins",
                array: { writer in
                    for plugin in plugins { plugin.write(into: &writer) }
                })
        }
    }

    /// `GET /metrics`: Prometheus's text format.
    private func metricsPage() -> WireResponse {
        guard let metrics else {
            return Self.errorResponse(
                ReplyError(
                    status: 404, message: "Metrics are off (settings.metrics: false).", type: "invalid_request_error",
                    code: "metrics_off"))
        }
        return WireResponse(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: metrics.exposition())
    }

    /// Reads a JSON body that must be an object: its members, or the 400 to answer. An empty
    /// body is an empty object.
    static func jsonObject(_ request: WireRequest) -> Result<[String: JSONValue], ReplyError> {
        if request.body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return .success([:]) }
        do {
            guard case .object(let members) = try JSONValue.parse(request.body, maximumDepth: 16) else {
                return .failure(.invalidParameter("body", "The body must be a JSON object.", code: "invalid_json"))
            }
            return .success(members)
        } catch {
            return .failure(.invalidParameter("body", "The body must be JSON: \(error)", code: "invalid_json"))
        }
    }

    static func json(status: Int = 200, headers: [Header] = [], _ body: (inout JSONWriter) -> Void) -> WireResponse {
        var writer = JSONWriter()
        writer.object(body)
        return WireResponse(status: status, headers: headers, body: writer.bytes)
    }

    /// The host's own error shape, which is OpenAI's.
    static func errorResponse(_ error: ReplyError) -> WireResponse {
        WireResponse(status: error.status, body: error.openAIShapeBody)
    }
}
