import ArgumentParser
import Logging
import LyrebirdHost

struct Plugins: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load the native plugins a config file and --plugin name and the default ones, and list what each registered.")

    @Option(name: .long, help: "A configuration file whose `plugins:` list to load.")
    var config: String?

    @OptionGroup var plugins: PluginOptions

    func run() async throws {
        let configuration = try loadConfiguration(from: config)
        let loaded = try plugins.load(configuration, logger: Logger(label: "lyrebird"))
        print("host plugin ABI \(PluginLoader.hostABIVersion)")
        if loaded.isEmpty { print("no plugins loaded") }
        for plugin in loaded {
            print("\(plugin.name) \(plugin.version) (ABI \(plugin.abiVersion)) from \(plugin.file)")
            for provider in plugin.providers {
                print("  provider \(provider.name)")
                for route in provider.routes {
                    let transports = route.transports.map(\.rawValue).sorted().joined(separator: ", ")
                    print("    \(route.method.rawValue) \(route.path) -> \(route.operation) [\(transports)]")
                }
            }
            for responder in plugin.responders {
                print("  responder \(responder.name)")
            }
        }
    }
}
