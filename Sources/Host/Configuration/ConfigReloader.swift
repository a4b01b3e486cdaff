import Foundation
import Logging
import LyrebirdPluginAPI
import ServiceLifecycle

/// Reads the configuration file's fixtures again when the file changes on disk, checked every
/// `interval` while the host runs. A file that reads cleanly replaces the file's fixtures (those
/// created at run time or in code stay) and starts every reply sequence again; one with a problem
/// keeps the fixtures the host has. Either way the log and the journal say so. Settings are read
/// when the host starts only.
final class ConfigReloader: Service, Sendable {
    let path: String
    private let fixtures: FixtureStore
    private let journal: Journal
    /// The responders fixtures may name.
    private let responders: Set<String>
    private let logger: Logger

    static let interval = Duration.milliseconds(500)

    init(path: String, fixtures: FixtureStore, journal: Journal, responders: Set<String>, logger: Logger) {
        self.path = path
        self.fixtures = fixtures
        self.journal = journal
        self.responders = responders
        self.logger = logger
    }

    func run() async throws {
        var seen = Self.contents(of: path)
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await Task.sleep(for: Self.interval)
            let now = Self.contents(of: path)
            guard now != seen, let text = now else { continue }
            seen = now
            await reload(text)
        }
    }

    /// The file's bytes, or `nil` while it cannot be read (an editor replacing it, say).
    private static func contents(of path: String) -> Data? {
        FileManager.default.contents(atPath: path)
    }

    /// Replaces the file's fixtures with those of `data`, or keeps them when it has a problem.
    func reload(_ data: Data) async {
        let started = ContinuousClock.now
        var problems: [ConfigProblem] = []
        var configuration = HostConfiguration()
        do {
            configuration = try HostConfiguration(yaml: String(decoding: data, as: UTF8.self), file: path)
        } catch {
            problems = error.problems
        }
        for fixture in configuration.fixtures {
            for case .responder(let name, _) in fixture.replies where !responders.contains(name) {
                problems.append(
                    ConfigProblem(
                        file: path, fixture: fixture.label, key: "reply.responder",
                        message: "no responder named \(name.debugDescription) is loaded"))
            }
        }
        var entry = JournalEntry(
            requestID: Identifiers.requestID(), time: Date().timeIntervalSince1970, method: "RELOAD", path: path, provider: nil,
            plugin: nil, operation: nil, model: nil, source: "reload", status: 200, streamed: false, error: nil,
            durationMilliseconds: 0)
        if problems.isEmpty {
            fixtures.replaceAll(of: .file, with: configuration.fixtures.map { ($0, .file) })
            do {
                try await fixtures.resetSequences()
            } catch {
                logger.warning("reloaded \(path) but could not start the reply sequences again: \(error)")
            }
            logger.notice("reloaded \(path): \(configuration.fixtures.count) fixtures")
        } else {
            entry.status = 400
            entry.error = "kept the fixtures loaded before: " + problems.map(\.description).joined(separator: "; ")
            logger.error(
                "\(path) changed but cannot be used; the fixtures loaded before stay:\n\(problems.map(\.description).joined(separator: "\n"))"
            )
        }
        journal.record(entry.finished(status: entry.status, error: entry.error, startedAt: started))
    }
}
