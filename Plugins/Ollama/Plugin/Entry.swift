import LyrebirdOllamaProvider
import LyrebirdPluginAPI

/// The plugin's one exported symbol: registers the Ollama provider.
@_cdecl("lyrebird_plugin_entry")
public func lyrebirdPluginEntry(host: UnsafeRawPointer?, info: UnsafeMutableRawPointer?) -> Int32 {
    LyrebirdPlugin.entry(host: host, info: info, name: "ollama", version: "1.0.0") { setup in
        try setup.add(OllamaProvider())
    }
}
