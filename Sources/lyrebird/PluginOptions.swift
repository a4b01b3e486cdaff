import ArgumentParser
import Foundation
import Logging
import LyrebirdBuiltinProviders
import LyrebirdHost

/// The plugin options `serve`, `validate` and `plugins` share, and loading what they name.
struct PluginOptions: ParsableArguments {
    @Option(name: .customLong("plugin"), help: "A native plugin (.so) or a folder of them to load; repeatable.")
    var paths: [String] = []

    @Flag(
        name: .customLong("no-default-plugins"),
        help: "Load only the plugins named here and in the config file, not the default set (Anthropic, Gemini, Ollama and Bedrock).")
    var noDefaultPlugins = false

    /// Loads the plugins named in `configuration` and on the command line, in that order, then
    /// the default plugins not named already; or prints why one cannot load and exits with
    /// status 1.
    func load(_ configuration: HostConfiguration, logger: Logger) throws -> [LoadedPlugin] {
        let defaults = noDefaultPlugins ? [] : DefaultPlugins.specs(logger: logger)
        let specs = configuration.plugins + paths.map { PluginSpec(path: $0) } + defaults
        do {
            return try PluginLoader.load(specs, alongside: BuiltinProviders.all, logger: logger)
        } catch {
            printError("error: \(error.description)")
            if defaults.contains(where: { $0.path == error.file }) {
                printError("note: \(error.file) is a default plugin; --no-default-plugins leaves the default set out")
            }
            throw ExitCode.failure
        }
    }
}
