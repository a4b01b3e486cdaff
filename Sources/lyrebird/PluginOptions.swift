import ArgumentParser
import Foundation
import Logging
import LyrebirdBuiltinProviders
import LyrebirdHost

/// The plugin options `serve` and `plugins` share, and loading what they name.
struct PluginOptions: ParsableArguments {
    @Option(name: .customLong("plugin"), help: "A native plugin (.so) or a folder of them to load; repeatable.")
    var paths: [String] = []

    /// Loads the plugins named in `configuration` and on the command line, in that order, or
    /// prints why one cannot load and exits with status 1.
    func load(_ configuration: HostConfiguration, logger: Logger) throws -> [LoadedPlugin] {
        let specs = configuration.plugins + paths.map { PluginSpec(path: $0) }
        do {
            return try PluginLoader.load(specs, alongside: BuiltinProviders.all, logger: logger)
        } catch {
            printError("error: \(error.description)")
            throw ExitCode.failure
        }
    }
}
