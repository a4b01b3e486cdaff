import CLyrebirdPlugin
import LyrebirdPluginAPI

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Builds the `lyrebird_host_api` a plugin receives. Each plugin gets its own table, pointing at
/// its own `PluginRegistration`; tables are never freed, since plugins may keep them.
enum HostFunctionTable {
    static func make(for registration: PluginRegistration) -> UnsafeMutablePointer<lyrebird_host_api> {
        let table = UnsafeMutablePointer<lyrebird_host_api>.allocate(capacity: 1)
        // The registration lives as long as the table: for ever.
        let host = OpaquePointer(Unmanaged.passRetained(registration).toOpaque())
        table.initialize(
            to: lyrebird_host_api(
                struct_size: UInt32(MemoryLayout<lyrebird_host_api>.size),
                abi_major: UInt16(LYREBIRD_PLUGIN_ABI_MAJOR),
                abi_minor: UInt16(LYREBIRD_PLUGIN_ABI_MINOR),
                host: host,
                alloc: { size in malloc(size) },
                free: { pointer in free(pointer) },
                log: { host, level, message in
                    guard let message else { return }
                    PluginRegistration.from(host).log(level: level, String(cString: message))
                },
                config_json: { host, length in
                    PluginRegistration.from(host).configuration(length: length)
                },
                set_error: { host, message in
                    PluginRegistration.from(host).setError(message.map { String(cString: $0) } ?? "")
                },
                register_provider: { host, provider in
                    PluginRegistration.from(host).register(provider: provider)
                },
                register_responder: { host, responder in
                    PluginRegistration.from(host).register(responder: responder)
                },
                json_get: { json, length, pointer, out in
                    HostJSONLookup.lookup(PluginBytes.copy(json, length: length), pointer, into: out, stringOnly: false)
                },
                json_get_string: { json, length, pointer, out in
                    HostJSONLookup.lookup(PluginBytes.copy(json, length: length), pointer, into: out, stringOnly: true)
                }
            ))
        return table
    }
}
