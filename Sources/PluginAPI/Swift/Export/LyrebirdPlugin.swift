import CLyrebirdPlugin

/// The entry point of a Swift plugin, in one call.
///
/// ```swift
/// import LyrebirdPluginAPI
///
/// @_cdecl("lyrebird_plugin_entry")
/// public func lyrebirdPluginEntry(host: UnsafeRawPointer?, info: UnsafeMutableRawPointer?) -> Int32 {
///     LyrebirdPlugin.entry(host: host, info: info, name: "my-plugin", version: "1.0.0") { setup in
///         try setup.add(MyProvider())
///     }
/// }
/// ```
public enum LyrebirdPlugin {
    /// The plugin ABI this module was built against, as `major.minor`.
    public static let abiVersion = "\(LYREBIRD_PLUGIN_ABI_MAJOR).\(LYREBIRD_PLUGIN_ABI_MINOR)"

    /// The version of the Swift compiler that built this module, as `major.minor.patch`
    /// (`6.3.1`): in a plugin, the plugin's compiler; in a host, the host's. A Swift plugin
    /// reports it through `lyrebird_plugin_swift_info`, and a host refuses a plugin whose
    /// compiler differs from its own. Two builds of one release (a snapshot and the release
    /// itself) give the same version.
    public static let swiftCompilerVersion: String = {
        let version = lyrebird_swift_compiler_version()
        return "\(version / 10000).\(version / 100 % 100).\(version % 100)"
    }()

    /// Describes the plugin, checks the host's ABI version, and runs `setup` to register
    /// providers and responders. Returns the status the entry point must return.
    ///
    /// - Parameters:
    ///   - host: The entry point's `host` argument (a `const lyrebird_host_api *`).
    ///   - info: The entry point's `info` argument (a `lyrebird_plugin_info *`).
    ///   - name: The plugin's name, for logs, `/health` and the journal's `plugin` field (at most
    ///     63 bytes of UTF-8; longer names are cut).
    ///   - version: The plugin's version (at most 31 bytes of UTF-8).
    ///   - setup: Registers what the plugin offers; a thrown error fails the load with its
    ///     description as the reason.
    public static func entry(
        host: UnsafeRawPointer?,
        info: UnsafeMutableRawPointer?,
        name: String,
        version: String,
        setup: (PluginSetup) throws -> Void
    ) -> Int32 {
        guard let info = info?.assumingMemoryBound(to: lyrebird_plugin_info.self) else { return LYREBIRD_ERROR }
        // The version goes first: the frozen prefix is all the host can rely on if we differ.
        info.pointee.abi_major = UInt16(LYREBIRD_PLUGIN_ABI_MAJOR)
        info.pointee.abi_minor = UInt16(LYREBIRD_PLUGIN_ABI_MINOR)
        if Int(info.pointee.struct_size) >= MemoryLayout<lyrebird_plugin_info>.size {
            PluginBytes.write(name, into: &info.pointee.name)
            PluginBytes.write(version, into: &info.pointee.version)
        }
        guard let api = host?.assumingMemoryBound(to: lyrebird_host_api.self) else { return LYREBIRD_ERROR }
        guard api.pointee.abi_major == LYREBIRD_PLUGIN_ABI_MAJOR, Int32(api.pointee.abi_minor) >= LYREBIRD_PLUGIN_ABI_MINOR,
            Int(api.pointee.struct_size) >= MemoryLayout<lyrebird_host_api>.size
        else {
            return LYREBIRD_ABI_MISMATCH
        }
        let registrar = PluginSetup(api: api)
        do {
            try setup(registrar)
            return LYREBIRD_OK
        } catch {
            registrar.fail("\(error)")
            return LYREBIRD_ERROR
        }
    }
}
