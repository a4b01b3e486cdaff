import LyrebirdBedrockProvider
import LyrebirdPluginAPI

/// The plugin's one exported symbol: registers the AWS Bedrock Runtime provider.
@_cdecl("lyrebird_plugin_entry")
public func lyrebirdPluginEntry(host: UnsafeRawPointer?, info: UnsafeMutableRawPointer?) -> Int32 {
    LyrebirdPlugin.entry(host: host, info: info, name: "bedrock", version: "1.0.0") { setup in
        try setup.add(BedrockProvider())
    }
}
