import LyrebirdHost
import LyrebirdPluginAPI

/// What `lyrebird plugins --json` prints, for tools and tests:
///
/// ```json
/// {"host": {"abi_version": "1.1", "swift_compiler": "6.3.1"},
///  "plugins": [{"name", "version", "abi_version", "swift_compiler", "path",
///               "providers": [{"name", "routes": [{"method", "path", "operation", "transports", "answered_by"}]}],
///               "responders": [names]}]}
/// ```
///
/// `swift_compiler` is `null` for a plugin written in C.
enum PluginListing {
    static func json(_ plugins: [LoadedPlugin]) -> String {
        var writer = JSONWriter()
        writer.object { writer in
            writer.member(
                "host",
                object: { writer in
                    writer.member("abi_version", PluginLoader.hostABIVersion)
                    writer.member("swift_compiler", LyrebirdPlugin.swiftCompilerVersion)
                })
            writer.member(
                "plugins",
                array: { writer in
                    for plugin in plugins { write(plugin, into: &writer) }
                })
        }
        return writer.string
    }

    private static func write(_ plugin: LoadedPlugin, into writer: inout JSONWriter) {
        writer.object { writer in
            writer.member("name", plugin.name)
            writer.member("version", plugin.version)
            writer.member("abi_version", plugin.abiVersion)
            writer.member("swift_compiler", plugin.swiftCompilerVersion)
            writer.member("path", plugin.file)
            writer.member(
                "providers",
                array: { writer in
                    for provider in plugin.providers {
                        writer.object { writer in
                            writer.member("name", provider.name)
                            // The routes' plugin JSON form, the one `routes_json` registers.
                            writer.key("routes")
                            writer.raw(PluginJSON.encode(provider.routes))
                        }
                    }
                })
            writer.member("responders", array: { writer in for responder in plugin.responders { writer.string(responder.name) } })
        }
    }
}
