import CLyrebirdPlugin

/// Fills a `lyrebird_swift_info`: the ABI and the Swift compiler this plugin was built with.
///
/// Every Swift plugin exports it as `lyrebird_plugin_swift_info` (see the header) by linking
/// this module; its author writes nothing. The host calls it before the plugin's entry point
/// and refuses a plugin built by another Swift compiler than its own. Not for calling from
/// Swift.
@_cdecl("lyrebird_plugin_swift_info")
public func _lyrebirdPluginSwiftInfo(_ info: UnsafeMutableRawPointer?) {
    guard let info = info?.assumingMemoryBound(to: lyrebird_swift_info.self) else { return }
    // The frozen prefix first, as in lyrebird_plugin_info: a host of another major reads no further.
    info.pointee.abi_major = UInt16(LYREBIRD_PLUGIN_ABI_MAJOR)
    info.pointee.abi_minor = UInt16(LYREBIRD_PLUGIN_ABI_MINOR)
    guard Int(info.pointee.struct_size) >= MemoryLayout<lyrebird_swift_info>.size else { return }
    PluginBytes.write(LyrebirdPlugin.swiftCompilerVersion, into: &info.pointee.compiler_version)
}
