import LyrebirdAnthropicProvider
import LyrebirdPluginAPI

/// The plugin's one exported symbol: registers the Anthropic Messages provider.
@_cdecl("lyrebird_plugin_entry")
public func lyrebirdPluginEntry(host: UnsafeRawPointer?, info: UnsafeMutableRawPointer?) -> Int32 {
    LyrebirdPlugin.entry(host: host, info: info, name: "anthropic-messages", version: "1.1.0") { setup in
        try setup.add(AnthropicMessagesProvider())
    }
}
