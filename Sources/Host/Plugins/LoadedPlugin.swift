import LyrebirdPluginAPI

/// A plugin the host loaded, and what it registered.
public struct LoadedPlugin: Sendable {
    /// The library file.
    public let file: String
    /// The name and version the plugin gave.
    public let name: String
    /// The version the plugin gave (free text, `1.2.0` by convention).
    public let version: String
    /// The plugin ABI the plugin was built against, as `major.minor`.
    public let abiVersion: String
    /// The Swift compiler that built the plugin (`6.3.1`), for a plugin written in Swift; `nil`
    /// for one written in C, or in Swift against a plugin API older than ABI 1.1.
    public let swiftCompilerVersion: String?
    /// The providers it registered, in registration order.
    public let providers: [any Provider]
    /// The responders it registered, in registration order.
    public let responders: [any Responder]

    /// One line for logs: what the plugin is and what it registered.
    public var summary: String {
        var parts: [String] = []
        for provider in providers {
            let routes = provider.routes.map { "\($0.method.rawValue) \($0.path)" }.joined(separator: ", ")
            parts.append("provider \(provider.name.debugDescription) (\(routes))")
        }
        for responder in responders {
            parts.append("responder \(responder.name.debugDescription)")
        }
        let registered = parts.isEmpty ? "nothing" : parts.joined(separator: "; ")
        return "plugin \(name) \(version) (ABI \(abiVersion)) from \(file): \(registered)"
    }

    /// The plugin as `/health` lists it: `{"name", "version", "abi_version", "swift_compiler",
    /// "path", "providers": [names], "responders": [names]}`.
    func write(into writer: inout JSONWriter) {
        writer.object { writer in
            writer.member("name", name)
            writer.member("version", version)
            writer.member("abi_version", abiVersion)
            writer.member("swift_compiler", swiftCompilerVersion)
            writer.member("path", file)
            writer.member("providers", array: { writer in for provider in providers { writer.string(provider.name) } })
            writer.member("responders", array: { writer in for responder in responders { writer.string(responder.name) } })
        }
    }
}
