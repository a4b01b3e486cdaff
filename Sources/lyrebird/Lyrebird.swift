import ArgumentParser
import LyrebirdHost

@main
struct Lyrebird: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lyrebird",
        abstract: "A mock server for LLM provider APIs.",
        version: LyrebirdHost.version,
        subcommands: [Serve.self, Validate.self, Plugins.self],
        defaultSubcommand: Serve.self
    )
}
