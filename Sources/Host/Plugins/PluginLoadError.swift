/// Why a plugin could not be loaded. Its description names the file and both ABI versions.
public struct PluginLoadError: Error, Sendable, CustomStringConvertible {
    /// The library file (or the folder or path as given, when no file was reached).
    public var file: String
    /// What went wrong.
    public var message: String
    /// The ABI the plugin declared, when it got as far as declaring one.
    public var pluginABIVersion: String?

    /// Creates a load error.
    public init(file: String, message: String, pluginABIVersion: String? = nil) {
        self.file = file
        self.message = message
        self.pluginABIVersion = pluginABIVersion
    }

    /// `plugin FILE: MESSAGE (host plugin ABI X, plugin ABI Y)`, `unknown` when the plugin never
    /// declared one.
    public var description: String {
        "plugin \(file): \(message) (host plugin ABI \(PluginLoader.hostABIVersion), plugin ABI \(pluginABIVersion ?? "unknown"))"
    }
}
