import Foundation
import Hummingbird
import Logging
import LyrebirdPluginAPI
import NIOCore
import ServiceLifecycle
import Synchronization
import UnixSignals

/// A Lyrebird server: providers, responders and fixtures behind one pipeline.
///
/// ```swift
/// let host = try LyrebirdHost(configuration: HostConfiguration(), providers: BuiltinProviders.all)
/// host.fixtures.add(Fixture(match: .user(TextMatcher(.contains("hello"))), reply: .message(StaticReply(content: "Hi!"))))
/// let url = try await host.start()      // port 0 takes any free port
/// // ... point a client at url ...
/// await host.stop()
/// ```
public final class LyrebirdHost: Sendable {
    /// The Lyrebird version reported by `/health` and the OpenAPI document.
    public static let version = "0.1.0"

    /// The fixtures the host answers from; change them at any time.
    public let fixtures: FixtureStore
    /// The most recent requests.
    public let journal: Journal
    /// The configuration the host was made with. Fixed for the host's life: change fixtures
    /// through ``fixtures``.
    public let configuration: HostConfiguration

    private let responder: HostResponder
    private let webSockets: WebSocketGateway
    /// The request bytes all connections hold together.
    private let buffers: BufferBudget
    /// Where scripts run: Lua calls and plugin responders.
    private let scripts: ScriptThreadPool
    /// Where run-time fixtures, the journal and the counters are kept.
    let store: HostStore
    /// The fixtures created at run time, read from the store when the host starts.
    private let runtimeFixtures: RuntimeFixtures
    /// Reads the configuration file again when it changes, if the host has one.
    private let reloader: ConfigReloader?
    /// Send the requests' spans to the collector `settings.traces` names; stop after the server.
    private let spanExport: [any Service]
    private let logger: Logger
    private let running = Mutex<RunState?>(nil)
    /// Whether `start()` has been called: a host runs once (its script threads end with it).
    private let started = Atomic<Bool>(false)

    /// Why `start()` did not start the host.
    public enum StartError: Error, CustomStringConvertible {
        /// `start()` was called before; `url` is where the host listens, if it still runs.
        case alreadyStarted(url: URL?)

        public var description: String {
            switch self {
            case .alreadyStarted(let url?): return "the host is already running at \(url); start() may be called once"
            case .alreadyStarted(nil): return "the host has already run; start() may be called once (make a new LyrebirdHost)"
            }
        }
    }

    private struct RunState {
        let group: ServiceGroup
        let task: Task<Void, any Error>
        let url: URL
    }

    /// Builds a host, checking that routes and responder names fit together.
    ///
    /// - Parameters:
    ///   - configuration: Settings and fixtures; `port` 0 takes any free port when started.
    ///   - providers: The providers linked into the program (`BuiltinProviders.all` for the
    ///     OpenAI endpoints, or your own).
    ///   - responders: Responders linked into the program, which fixtures may name.
    ///   - plugins: Native plugins `PluginLoader` loaded. The host serves their providers and
    ///     responders besides `providers` and `responders`, and `/health` lists them.
    ///   - logger: Where the host logs.
    /// - Throws: `ConfigurationError` when two providers claim one route, two responders share
    ///   a name, or a fixture names a responder that is not given.
    public init(
        configuration: HostConfiguration,
        providers: [any Provider],
        responders: [any Responder] = [],
        plugins: [LoadedPlugin] = [],
        logger: Logger = Logger(label: "lyrebird")
    ) throws(ConfigurationError) {
        let responders = responders + plugins.flatMap(\.responders)
        self.configuration = configuration
        self.logger = logger
        self.scripts = ScriptThreadPool(
            threads: configuration.scriptThreads, queueTimeout: .milliseconds(configuration.scriptQueueTimeoutMilliseconds))
        let file = configuration.sourceFile ?? "<configuration>"
        let clock = HostClock(configuration.clock)
        let usage = UsageLedger(clock: clock)
        let store: HostStore
        do {
            store = try HostStore(
                configuration.store, retention: configuration.journalRetention, contextLimit: configuration.maxContexts,
                usage: configuration.quotas.isActive ? usage : nil, logger: logger)
        } catch {
            throw ConfigurationError(problems: [
                ConfigProblem(file: file, key: "settings.store", message: "cannot open the store \(configuration.store): \(error)")
            ])
        }
        self.store = store
        let runtime = ScriptRuntime(
            threads: scripts, luaLimits: configuration.luaLimits, streamChunkCharacters: configuration.streamChunkCharacters,
            logger: logger,
            store: store)
        let providers = (providers + plugins.flatMap(\.providers)).map { provider in
            (provider as? any ScriptProvider)?.running(on: runtime) ?? provider
        }
        self.fixtures = FixtureStore(
            configuration.fixtures, scripts: runtime, streamChunkCharacters: configuration.streamChunkCharacters, store: store)
        let metrics = configuration.metricsEnabled ? HostMetrics(scripts: scripts) : nil
        let spans: (recorder: any SpanRecorder, services: [any Service])?
        do {
            spans = try configuration.traces.map { try SpanExporter.make($0, logger: logger) }
        } catch {
            throw ConfigurationError(problems: [
                ConfigProblem(file: file, key: "settings.traces", message: "cannot send traces: \(error)")
            ])
        }
        self.spanExport = spans?.services ?? []
        self.journal = Journal(store: store.writer, metrics: metrics, spans: spans?.recorder)
        var problems: [ConfigProblem] = []

        var respondersByName: [String: any Responder] = [:]
        for responder in responders {
            if respondersByName[responder.name] != nil {
                problems.append(
                    ConfigProblem(file: file, key: "responders", message: "two responders are named \(responder.name.debugDescription)"))
            }
            respondersByName[responder.name] = (responder as? any ScriptResponder)?.running(on: runtime) ?? responder
        }
        for fixture in configuration.fixtures {
            for case .responder(let name, _) in fixture.replies where respondersByName[name] == nil {
                let known = respondersByName.keys.sorted().joined(separator: ", ")
                problems.append(
                    ConfigProblem(
                        file: file, fixture: fixture.label, key: "reply.responder",
                        message: "no responder named \(name.debugDescription) is loaded (loaded: \(known.isEmpty ? "none" : known))")
                )
            }
        }

        var routes = RouteTable<HostResponder.Handler>()
        for endpoint in AdminEndpoint.allCases {
            try? routes.add(endpoint.method, endpoint.path, .admin(endpoint))
        }
        for provider in providers {
            provider.attach(records: HostProviderRecords(provider: provider.name, store: store, logger: logger))
            for route in provider.routes {
                do throws(RouteTable<HostResponder.Handler>.Refusal) {
                    try routes.add(route.method, route.path, .provider(provider, route), conditions: route.onlyWith)
                } catch {
                    let reason: String
                    switch error {
                    case .taken: reason = "claims \(route.method.rawValue) \(route.path), which is already taken"
                    case .unservable(let pattern): reason = pattern.message
                    }
                    problems.append(
                        ConfigProblem(file: file, key: "providers", message: "provider \(provider.name.debugDescription) \(reason)"))
                }
            }
        }
        if !problems.isEmpty { throw ConfigurationError(problems: problems) }

        let pipeline = Pipeline(
            fixtures: fixtures, responders: respondersByName, journal: journal, strict: configuration.strict,
            defaultReply: configuration.defaultReply, streamChunkCharacters: configuration.streamChunkCharacters, scripts: scripts,
            configuredModels: configuration.models,
            providerModels: providers.flatMap { provider in provider.models.map { ModelListing(id: $0, ownedBy: provider.name) } },
            quotas: QuotaStage(settings: configuration.quotas, ledger: usage),
            faults: FaultStage(settings: configuration.faults, maxContexts: configuration.maxContexts), logger: logger
        )
        let lua = LuaEnvironment(
            limits: configuration.luaLimits, natives: configuration.luaNatives, streamChunkCharacters: configuration.streamChunkCharacters,
            logger: logger)
        let scriptFiles =
            configuration.scriptsFolder.map { ScriptFileAccess.inside(URL(fileURLWithPath: $0).resolvingSymlinksInPath().path) } ?? .none
        let maximumFixtureBytes = configuration.fixtureLimits.maxFixtureBytes
        let scripts = self.scripts
        let runtimeFixtures = RuntimeFixtures(
            fixtures: fixtures, engine: store.engine, limits: configuration.fixtureLimits, logger: logger,
            decode: { text throws(ScriptPoolError) in
                // Decoding compiles the fixture's scripts and runs their top level.
                try await scripts.run { _ in
                    Fixture.decodePosted(text, lua: lua, scriptFiles: scriptFiles, maximumSize: maximumFixtureBytes)
                }
            })
        self.runtimeFixtures = runtimeFixtures
        if configuration.reloadsFile, let path = configuration.sourceFile {
            reloader = ConfigReloader(
                path: path, fixtures: fixtures, journal: journal, responders: Set(respondersByName.keys), logger: logger)
        } else {
            reloader = nil
        }
        let buffers = BufferBudget(limit: configuration.maxBufferedBytes ?? HostConfiguration.defaultMaxBufferedBytes)
        self.buffers = buffers
        self.responder = HostResponder(
            routes: routes, pipeline: pipeline,
            admin: AdminAPI(
                fixtures: fixtures, runtime: runtimeFixtures, journal: journal, clock: clock, quotas: pipeline.quotas, metrics: metrics,
                faults: pipeline.faults,
                journalStreams: JournalStreams(journal: journal), dashboardEnabled: configuration.dashboardEnabled, version: Self.version,
                plugins: plugins,
                openAPIDocument: OpenAPIDocument(routes: routes, version: Self.version).bytes),
            adminAccess: AdminAccess(configuration: configuration),
            cors: CORSPolicy(configuration: configuration),
            maxBodyBytes: configuration.maxBodyBytes,
            buffers: buffers
        )
        self.webSockets = WebSocketGateway(
            routes: routes, pipeline: pipeline,
            limits: WebSocketLimits(
                maxMessageBytes: configuration.maxBodyBytes, idleTimeoutMilliseconds: configuration.webSocketIdleTimeoutMilliseconds,
                maxQueued: configuration.webSocketMaxQueued))
    }

    /// The URL the host listens on while it runs, for example `http://127.0.0.1:49152`.
    public var url: URL? { running.withLock { $0?.url } }

    /// Starts listening and returns once connections are accepted.
    ///
    /// - Parameter gracefulShutdownSignals: signals that stop the host as `stop()` does (the
    ///   command line passes SIGINT and SIGTERM; embedders usually pass none and call `stop()`).
    /// - Returns: The URL the host listens on.
    /// - Throws: `StartError.alreadyStarted` when called a second time: a host runs once, and a
    ///   second start would open a second port that nothing could close. Errors from binding.
    @discardableResult
    public func start(gracefulShutdownSignals: [UnixSignal] = []) async throws -> URL {
        guard !started.exchange(true, ordering: .acquiringAndReleasing) else { throw StartError.alreadyStarted(url: url) }
        // The fixtures created at run time before a restart answer from the first request on.
        try await runtimeFixtures.synchronize()
        // And the quota counters of the current windows.
        try await store.writer.syncUsage()
        // The port, once the server listens; or why it stopped before it did.
        let bound = OneShot<Result<Int, any Error>>()
        let application = Application(
            responder: responder,
            server: .host(configuration, webSockets: webSockets, buffers: buffers, logger: logger),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in bound.fill(.success(channel.localAddress?.port ?? 0)) },
            logger: logger
        )
        // Services stop in the reverse order: the store's writer takes the last requests' records.
        let group = ServiceGroup(
            configuration: .init(
                services: spanExport + [store.writer, runtimeFixtures] + (reloader.map { [$0] } ?? [])
                    + [application],
                gracefulShutdownSignals: gracefulShutdownSignals, logger: logger)
        )
        let task = Task { [scripts] in
            // However the server stops (stop(), a signal, an error), its scripts stop with it.
            defer { scripts.shutDown() }
            do {
                try await group.run()
                bound.fill(.failure(CancellationError()))
            } catch {
                bound.fill(.failure(error))
                throw error
            }
        }
        let port = try await bound.value.get()
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        let url = URL(string: "http://\(host):\(port)")!
        running.withLock { $0 = RunState(group: group, task: task, url: url) }
        return url
    }

    /// Waits until the host stops, by `stop()` or a shutdown signal.
    public func waitUntilStopped() async throws {
        guard let task = running.withLock({ $0?.task }) else { return }
        try await task.value
    }

    /// Answers one request without a socket, as the server would: the same routes, pipeline
    /// and journal. A streamed reply is returned whole, its events concatenated in the body.
    /// Without a connection to break, a fault that closes it answers 502 with the reason, and
    /// one that cuts or splits a body leaves it whole.
    public func respond(to request: WireRequest) async -> WireResponse {
        let requestID = Identifiers.requestID()
        var response: WireResponse
        if request.body.count > configuration.maxBodyBytes {
            response = AdminAPI.errorResponse(.requestTooLarge(limit: configuration.maxBodyBytes))
        } else {
            switch await responder.handle(request, requestID: requestID) {
            case .whole(let whole):
                response = whole
            case .stream(let stream):
                var body: [UInt8] = []
                while let bytes = await stream.next() { body += bytes }
                response = WireResponse(status: 200, headers: stream.headers, contentType: stream.contentType, body: body)
            case .faulted(let whole, _):
                response = whole
            case .live(let contentType, let stream):
                // Without a connection to hold open: the first part alone.
                var first: [UInt8] = []
                for await part in stream.events {
                    first = part
                    break
                }
                stream.stop()
                response = WireResponse(status: 200, contentType: contentType, body: first)
            case .dropped(let reason):
                response = AdminAPI.errorResponse(
                    ReplyError(status: 502, message: "No response: \(reason).", type: "server_error", code: "connection_closed"))
            }
        }
        response.headers.append(Header(name: "x-request-id", value: requestID))
        return response
    }

    /// Stops listening, lets the requests in flight finish for up to `configuration.shutdownGrace`,
    /// then closes the connections still open.
    public func stop() async {
        guard
            let state = running.withLock({ state -> RunState? in
                defer { state = nil }
                return state
            })
        else { return }
        await state.group.triggerGracefulShutdown()
        _ = try? await state.task.value
    }
}
