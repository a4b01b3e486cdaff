import CLyrebirdPlugin
import Logging
import LyrebirdPluginAPI
import Synchronization

/// The host's side of one plugin: what `lyrebird_host *` points to. It holds the plugin's
/// configuration, collects what the plugin registers during its entry call, and logs for it.
///
/// It lives for the life of the process, because a plugin may keep the host table and log
/// from any thread at any time.
final class PluginRegistration: @unchecked Sendable {
    // @unchecked: `configText` is written once in init and only read afterwards; everything
    // that changes is inside `state`.
    let file: String
    let logger: Logger
    private let configText: UnsafeMutablePointer<CChar>
    private let configLength: Int
    private let state: Mutex<State>

    private struct State {
        var label: String
        var accepting = true
        /// The address of the info struct during the entry call (an address, so the state stays Sendable).
        var infoAddress: UInt?
        var error: String?
        var problems: [String] = []
        var providers: [PluginProvider] = []
        var responders: [PluginResponder] = []
    }

    init(file: String, configuration: JSONValue, logger: Logger) {
        self.file = file
        self.logger = logger
        let text = Array(configuration.serialized.utf8CString)
        configText = UnsafeMutablePointer<CChar>.allocate(capacity: text.count)
        configText.initialize(from: text, count: text.count)
        configLength = text.count - 1
        state = Mutex(State(label: file))
    }

    static func from(_ host: OpaquePointer?) -> PluginRegistration {
        Unmanaged<PluginRegistration>.fromOpaque(UnsafeRawPointer(host!)).takeUnretainedValue()
    }

    /// The configuration as NUL-terminated JSON.
    func configuration(length: UnsafeMutablePointer<Int>?) -> UnsafePointer<CChar> {
        length?.pointee = configLength
        return UnsafePointer(configText)
    }

    var label: String { state.withLock { $0.label } }

    /// Opens registration for the entry call; `info` is where the plugin declares its ABI.
    func beginEntry(info: UnsafeMutablePointer<lyrebird_plugin_info>) {
        let address = UInt(bitPattern: info)
        state.withLock { $0.infoAddress = address }
    }

    /// Closes registration and returns what was registered and any reasons given.
    func endEntry(name: String) -> (providers: [PluginProvider], responders: [PluginResponder], error: String?, problems: [String]) {
        state.withLock { state in
            state.accepting = false
            state.infoAddress = nil
            if !name.isEmpty { state.label = name }
            return (state.providers, state.responders, state.error, state.problems)
        }
    }

    func setError(_ message: String) {
        state.withLock { $0.error = message }
    }

    /// Checks that registration is open and the plugin declared our ABI major first, so the
    /// struct it hands over has the layout we read.
    private func mayRegister(_ what: String) -> Bool {
        state.withLock { state in
            guard state.accepting, let address = state.infoAddress,
                let info = UnsafePointer<lyrebird_plugin_info>(bitPattern: address)
            else {
                state.problems.append("\(what) was called outside the entry call")
                return false
            }
            guard info.pointee.abi_major == LYREBIRD_PLUGIN_ABI_MAJOR else {
                state.problems.append("\(what) was called before the plugin declared ABI major \(LYREBIRD_PLUGIN_ABI_MAJOR) in its info")
                return false
            }
            return true
        }
    }

    /// The ABI minor the plugin declared in its info, during the entry call.
    private func declaredMinor() -> Int {
        state.withLock { state in
            guard let address = state.infoAddress, let info = UnsafePointer<lyrebird_plugin_info>(bitPattern: address) else { return 0 }
            return Int(info.pointee.abi_minor)
        }
    }

    private func reject(_ problem: String) -> Int32 {
        state.withLock { $0.problems.append(problem) }
        return LYREBIRD_ERROR
    }

    func register(provider pointer: UnsafePointer<lyrebird_provider>?) -> Int32 {
        guard mayRegister("register_provider") else { return LYREBIRD_ERROR }
        guard let pointer else { return reject("register_provider was given NULL") }
        let size = Int(pointer.pointee.struct_size)
        guard size >= Self.providerSizeV1_0 else {
            return reject("register_provider was given a struct of \(size) bytes; ABI 1.0 needs \(Self.providerSizeV1_0)")
        }
        let table = Self.read(pointer, size: size, into: lyrebird_provider())
        guard let namePointer = table.name, let routesPointer = table.routes_json else {
            return reject("register_provider was given a provider without name or routes_json")
        }
        let name = String(cString: namePointer)
        guard table.decode != nil, table.encode_reply != nil, table.encode_error != nil,
            table.stream_open != nil || table.stream_open_v2 != nil,
            table.stream_encode != nil, table.stream_finish != nil, table.stream_close != nil
        else {
            return reject(
                "provider \(name.debugDescription) leaves a required callback NULL (all are, but one of stream_open and stream_open_v2 is enough)"
            )
        }
        let routes: [ProviderRoute]
        do {
            routes = try PluginJSON.decode([ProviderRoute].self, from: Array(String(cString: routesPointer).utf8))
        } catch {
            return reject("provider \(name.debugDescription) has routes_json the host cannot read: \(error.message)")
        }
        guard !routes.isEmpty else { return reject("provider \(name.debugDescription) registers no routes") }
        if table.answer == nil, let route = routes.first(where: { $0.answeredBy == .provider }) {
            return reject(
                "provider \(name.debugDescription) answers \(route.method.rawValue) \(route.path) itself (\"answered_by\": \"provider\") but gives no answer callback (lyrebird_provider.answer, ABI 1.1)"
            )
        }
        var models: [String] = []
        if let modelsPointer = table.models_json {
            do {
                models = try PluginJSON.decode([String].self, from: Array(String(cString: modelsPointer).utf8))
            } catch {
                return reject("provider \(name.debugDescription) has models_json the host cannot read: \(error.message)")
            }
        }
        let provider = PluginProvider(
            name: name, routes: routes, models: models, table: PluginProviderTable(table, registration: self, abiMinor: declaredMinor()))
        state.withLock { $0.providers.append(provider) }
        return LYREBIRD_OK
    }

    /// The size of a `lyrebird_provider` from ABI 1.0, the least the host accepts: everything
    /// before the first field ABI 1.1 appended.
    static let providerSizeV1_0 = MemoryLayout<lyrebird_provider>.offset(of: \.stream_open_v2)!

    /// A copy of the plugin's struct as far as it wrote it (`size` bytes), over `empty`: a plugin
    /// built for an earlier minor hands over a shorter struct, and never owns the bytes after it.
    static func read<Table>(_ pointer: UnsafePointer<Table>, size: Int, into empty: Table) -> Table {
        var table = empty
        withUnsafeMutableBytes(of: &table) { destination in
            destination.copyMemory(from: UnsafeRawBufferPointer(start: pointer, count: min(size, destination.count)))
        }
        return table
    }

    func register(responder pointer: UnsafePointer<lyrebird_responder>?) -> Int32 {
        guard mayRegister("register_responder") else { return LYREBIRD_ERROR }
        guard let pointer else { return reject("register_responder was given NULL") }
        guard Int(pointer.pointee.struct_size) >= MemoryLayout<lyrebird_responder>.size else {
            return reject(
                "register_responder was given a struct of \(pointer.pointee.struct_size) bytes; ABI 1.0 needs \(MemoryLayout<lyrebird_responder>.size)"
            )
        }
        let table = pointer.pointee
        guard let namePointer = table.name, table.respond != nil else {
            return reject("register_responder was given a responder without name or respond")
        }
        let name = String(cString: namePointer)
        guard !name.isEmpty else { return reject("register_responder was given an empty name") }
        let responder = PluginResponder(name: name, table: PluginResponderTable(table, registration: self))
        state.withLock { $0.responders.append(responder) }
        return LYREBIRD_OK
    }

    func log(level: Int32, _ message: String) {
        let label = self.label
        switch level {
        case LYREBIRD_LOG_DEBUG: logger.debug("\(label): \(message)")
        case LYREBIRD_LOG_WARNING: logger.warning("\(label): \(message)")
        case LYREBIRD_LOG_ERROR: logger.error("\(label): \(message)")
        default: logger.info("\(label): \(message)")
        }
    }
}
