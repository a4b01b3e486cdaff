import ArgumentParser
import LyrebirdHost

struct Validate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check a configuration or fixture file and report every problem.")

    @Argument(help: "The file to check (YAML or JSON).")
    var file: String

    func run() async throws {
        let problems = HostConfiguration.problems(inFile: file)
        guard problems.isEmpty else {
            for problem in problems { printError(problem.description) }
            printError("\(problems.count) problem\(problems.count == 1 ? "" : "s") in \(file)")
            throw ExitCode.failure
        }
        let configuration = try HostConfiguration(contentsOfFile: file)
        print("\(file): OK, \(configuration.fixtures.count) fixture\(configuration.fixtures.count == 1 ? "" : "s")")
    }
}
