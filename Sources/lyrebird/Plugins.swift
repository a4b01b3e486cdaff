import ArgumentParser
import Logging
import LyrebirdHost

struct Plugins: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load the native plugins a config file and --plugin name and the default ones, and list what each registered.",
        subcommands: [PluginsInit.self])

    @Option(name: .long, help: "A configuration file whose `plugins:` list to load.")
    var config: String?

    @OptionGroup var plugins: PluginOptions

    @Flag(
        name: .long,
        help: "Print the list as JSON, for tools: each plugin's versions, Swift compiler, providers with their routes, responders.")
    var json = false

    func run() async throws {
        let configuration = try loadConfiguration(from: config)
        var logger = Logger(label: "lyrebird")
        // Standard output is the JSON document; what the loader has to say goes to the log.
        if json { logger.logLevel = .warning }
        let loaded = try plugins.load(configuration, logger: logger)
        if json {
            print(PluginListing.json(loaded))
            return
        }
        print("host plugin ABI \(PluginLoader.hostABIVersion)")
        if loaded.isEmpty { print("no plugins loaded") }
        for plugin in loaded {
            let compiler = plugin.swiftCompilerVersion.map { ", Swift \($0)" } ?? ""
            print("\(plugin.name) \(plugin.version) (ABI \(plugin.abiVersion)\(compiler)) from \(plugin.file)")
            for provider in plugin.providers {
                print("  provider \(provider.name)")
                for route in provider.routes {
                    let transports = route.transports.map(\.rawValue).sorted().joined(separator: ", ")
                    let answerer = route.answeredBy == .provider ? ", answered by the provider" : ""
                    print("    \(route.method.rawValue) \(route.path) -> \(route.operation) [\(transports)\(answerer)]")
                }
            }
            for responder in plugin.responders {
                print("  responder \(responder.name)")
            }
        }
    }
}
