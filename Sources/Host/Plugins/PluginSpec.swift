import LyrebirdPluginAPI

/// A plugin to load: a shared library, or a folder whose `.so` files are all loaded, with the
/// configuration the plugin reads through `config_json`.
public struct PluginSpec: Sendable, Hashable {
    /// The file or folder. Relative paths in a config file are resolved from the file's folder.
    public var path: String
    /// The plugin's own configuration (`.null` when none). A folder passes it to every plugin in it.
    public var configuration: JSONValue

    /// Names a plugin file or folder and its configuration.
    public init(path: String, configuration: JSONValue = .null) {
        self.path = path
        self.configuration = configuration
    }
}
