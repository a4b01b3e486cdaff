import LyrebirdPluginAPI

/// The one symbol the host looks for. `LyrebirdPlugin.entry` declares the plugin, checks the
/// host's ABI and registers the provider.
@_cdecl("lyrebird_plugin_entry")
public func lyrebirdPluginEntry(host: UnsafeRawPointer?, info: UnsafeMutableRawPointer?) -> Int32 {
    LyrebirdPlugin.entry(host: host, info: info, name: "my-plugin", version: "0.1.0") { setup in
        try setup.add(MyPluginProvider())
    }
}
