import ArgumentParser
import Foundation
import Logging
import LyrebirdBuiltinProviders
import LyrebirdHost

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the mock APIs until SIGINT or SIGTERM (a second one exits at once)."
    )

    @Option(name: .long, help: "A configuration file (YAML or JSON) with settings and fixtures.")
    var config: String?

    @Option(name: .long, help: "The address to bind (default 127.0.0.1, or the file's settings.host).")
    var host: String?

    @Option(name: .long, help: "The port to bind; 0 takes any free port (default 8080, or the file's settings.port).")
    var port: Int?

    @Flag(name: .long, help: "Answer requests that match no fixture with an error instead of the default reply.")
    var strict = false

    @Option(
        name: .long,
        help:
            "Where to keep run-time fixtures, the journal and counters: a SQLite file, postgres://..., or memory (default, or the file's settings.store)."
    )
    var store: String?

    @Option(name: .long, help: "The token admin requests must carry (default: LYREBIRD_ADMIN_TOKEN, or the file's settings.admin_token).")
    var adminToken: String?

    @Option(
        name: .long,
        help:
            "Send a span of every request to this OTLP/HTTP collector, such as http://127.0.0.1:4318 (default: OTEL_EXPORTER_OTLP_ENDPOINT, or the file's settings.traces.endpoint)."
    )
    var otlpEndpoint: String?

    @Flag(name: .long, help: "At shutdown, list the fixtures that answered no request.")
    var reportUnused = false

    @OptionGroup var plugins: PluginOptions

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    func run() async throws {
        var configuration = try loadConfiguration(from: config)
        if let host { configuration.host = host }
        if let port { configuration.port = port }
        if strict { configuration.strict = true }
        if let store { configuration.store = StoreLocation(store) }
        if let token = adminToken ?? ProcessInfo.processInfo.environment["LYREBIRD_ADMIN_TOKEN"] { configuration.adminToken = token }
        if let endpoint = otlpEndpoint ?? ProcessInfo.processInfo.environment["OTEL_EXPORTER_OTLP_ENDPOINT"] {
            if let problem = TraceSettings.problem(withEndpoint: endpoint) {
                printError("the OTLP endpoint \(endpoint.debugDescription) \(problem)")
                throw ExitCode.failure
            }
            var traces = configuration.traces ?? TraceSettings(endpoint: endpoint)
            traces.endpoint = endpoint
            configuration.traces = traces
        }

        var logger = Logger(label: "lyrebird")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info

        let loaded = try plugins.load(configuration, logger: logger)
        for plugin in loaded { logger.info("loaded \(plugin.summary)") }

        let server: LyrebirdHost
        do {
            server = try LyrebirdHost(
                configuration: configuration, providers: BuiltinProviders.all, plugins: loaded, logger: logger)
        } catch {
            printError(error.description)
            throw ExitCode.failure
        }
        let signals = ShutdownSignals(grace: configuration.shutdownGrace, logger: logger)
        logger.info("state lives \(configuration.store)")
        if let traces = configuration.traces { logger.info("spans go to \(traces.tracesURL)") }
        let url = try await server.start(gracefulShutdownSignals: ShutdownSignals.trapped)
        FileHandle.standardOutput.write(Data("listening on \(url.absoluteString)\n".utf8))
        try await server.waitUntilStopped()
        withExtendedLifetime(signals) {}
        if reportUnused { Self.reportUnused(try await server.fixtures.neverHit(), of: server.fixtures.count) }
    }

    private static func reportUnused(_ fixtures: [Fixture], of total: Int) {
        var report = "\(fixtures.count) of \(total) fixtures answered no request\(fixtures.isEmpty ? "." : ":")\n"
        for fixture in fixtures { report += "  \(fixture.label)\n" }
        FileHandle.standardOutput.write(Data(report.utf8))
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
