import Foundation
import Logging
import LyrebirdBuiltinProviders
import LyrebirdHost
import LyrebirdPluginAPI

/// Hosts and providers built the way `lyrebird serve` builds them, for harnesses to call.
public enum FuzzHosts {
    /// Quiet: a fuzzer makes every kind of failure on purpose, and logging each one would
    /// drown libFuzzer's own output and slow the run.
    public static let logger: Logger = {
        var logger = Logger(label: "lyrebird.fuzz")
        logger.logLevel = .critical
        return logger
    }()

    /// The Anthropic plugin's providers, loaded with the host's own plugin loader from the
    /// sanitized `libLyrebirdAnthropic.so` that `scripts/fuzz.sh` builds next to the fuzzers:
    /// every call crosses the C ABI as the server's do.
    public static let anthropicProviders = pluginProviders("LyrebirdAnthropic")
    /// The Gemini plugin's providers (`libLyrebirdGemini.so`), loaded the same way.
    public static let geminiProviders = pluginProviders("LyrebirdGemini")
    /// The Ollama plugin's providers (`libLyrebirdOllama.so`), loaded the same way.
    public static let ollamaProviders = pluginProviders("LyrebirdOllama")
    /// The Bedrock plugin's providers (`libLyrebirdBedrock.so`), loaded the same way.
    public static let bedrockProviders = pluginProviders("LyrebirdBedrock")

    /// The providers of the plugin `lib<product>.so` next to the running fuzzer, loaded with the
    /// host's plugin loader.
    public static func pluginProviders(_ product: String) -> [any Provider] {
        let folder = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        let library = folder.appendingPathComponent("lib\(product).so").path
        do {
            let plugins = try PluginLoader.load([PluginSpec(path: library)], alongside: BuiltinProviders.all, logger: logger)
            return plugins.flatMap(\.providers)
        } catch {
            fatalError("cannot load the plugin \(library) (scripts/fuzz.sh builds it): \(error)")
        }
    }

    /// Every provider the server has with the Anthropic, Gemini and Ollama plugins loaded.
    public static var allProviders: [any Provider] {
        BuiltinProviders.all + anthropicProviders + geminiProviders + ollamaProviders
    }

    /// A host for a configuration file's text, serving every provider.
    public static func make(yaml: String) -> LyrebirdHost {
        do {
            let configuration = try HostConfiguration(yaml: yaml, file: "<fuzz>")
            return try LyrebirdHost(configuration: configuration, providers: allProviders, logger: logger)
        } catch {
            fatalError("the harness's own configuration is wrong: \(error)")
        }
    }
}
