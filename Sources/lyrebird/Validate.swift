import ArgumentParser
import Logging
import LyrebirdBuiltinProviders
import LyrebirdHost

struct Validate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a configuration or fixture file and report every problem.",
        discussion: """
            Checks what `serve` checks before it listens: the file itself, the plugins it and \
            --plugin name and the default plugins, and that every responder a fixture names is loaded.
            """
    )

    @Argument(help: "The file to check (YAML or JSON).")
    var file: String

    @OptionGroup var plugins: PluginOptions

    func run() async throws {
        let problems = HostConfiguration.problems(inFile: file)
        guard problems.isEmpty else {
            report(problems)
            throw ExitCode.failure
        }
        let configuration = try loadConfiguration(from: file)
        var logger = Logger(label: "lyrebird")
        logger.logLevel = .warning
        let loaded = try plugins.load(configuration, logger: logger)
        do {
            _ = try LyrebirdHost(
                configuration: configuration, providers: BuiltinProviders.all, plugins: loaded, logger: logger)
        } catch {
            report(error.problems)
            throw ExitCode.failure
        }
        let fixtures = configuration.fixtures.count
        print("\(file): OK, \(fixtures) fixture\(fixtures == 1 ? "" : "s"), \(loaded.count) plugin\(loaded.count == 1 ? "" : "s")")
    }

    private func report(_ problems: [ConfigProblem]) {
        for problem in problems { printError(problem.description) }
        printError("\(problems.count) problem\(problems.count == 1 ? "" : "s") in \(file)")
    }
}
