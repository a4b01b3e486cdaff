import CLyrebirdPlugin

/// What a Swift plugin's entry point registers through: its configuration, the host log, and
/// the registration of providers and responders. Valid only during the entry call.
public struct PluginSetup {
    let api: UnsafePointer<lyrebird_host_api>

    init(api: UnsafePointer<lyrebird_host_api>) {
        self.api = api
    }

    /// The plugin's own configuration from the host's config file (`.null` when none).
    public var configuration: JSONValue {
        guard let configJSON = api.pointee.config_json else { return .null }
        var length = 0
        guard let text = configJSON(api.pointee.host, &length) else { return .null }
        let bytes = PluginBytes.copy(UnsafeRawPointer(text).assumingMemoryBound(to: UInt8.self), length: length)
        return (try? JSONValue.parse(bytes, maximumDepth: PluginJSON.maximumDepth)) ?? .null
    }

    /// A logger that writes to the host log; it may be kept and used from any thread.
    public var logger: PluginLogger { PluginLogger(api: api) }

    /// Registers a provider; its routes must not be taken.
    ///
    /// - Throws: `PluginSetupError` when the host refuses it.
    public func add(_ provider: some Provider) throws(PluginSetupError) {
        let status = ExportedProvider.register(provider, with: api)
        guard status == LYREBIRD_OK else { throw PluginSetupError(message: "the host refused provider \(provider.name.debugDescription)") }
    }

    /// Registers a responder that fixtures can name.
    ///
    /// - Throws: `PluginSetupError` when the host refuses it.
    public func add(_ responder: some Responder) throws(PluginSetupError) {
        let status = ExportedResponder.register(responder, with: api)
        guard status == LYREBIRD_OK else {
            throw PluginSetupError(message: "the host refused responder \(responder.name.debugDescription)")
        }
    }

    /// Tells the host why the entry point fails.
    func fail(_ message: String) {
        guard let setError = api.pointee.set_error else { return }
        message.withCString { setError(api.pointee.host, $0) }
    }
}

/// A registration the host refused.
public struct PluginSetupError: Error, Sendable, CustomStringConvertible {
    /// Why the host refused it.
    public var message: String
    /// The message.
    public var description: String { message }
}
