import CLyrebirdPlugin
import Foundation
import Logging
import LyrebirdPluginAPI

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Loads native plugins: `dlopen`s each library, calls its entry point with a host function
/// table, checks the ABI both ways, and collects what it registered.
///
/// Loading is all or nothing: the first problem stops it with a `PluginLoadError`, and the
/// caller must not start a host. Libraries are never unloaded (`RTLD_NODELETE`): the Swift
/// runtime keeps pointers into a Swift plugin for the life of the process.
public enum PluginLoader {
    /// The plugin ABI this host implements, as `major.minor`.
    public static let hostABIVersion = "\(LYREBIRD_PLUGIN_ABI_MAJOR).\(LYREBIRD_PLUGIN_ABI_MINOR)"

    /// Loads every plugin in `specs`, in order, checking that their routes are free. A library
    /// named more than once (the same file once links are resolved) loads once, where it is
    /// first named; a later mention may repeat its configuration or give none.
    ///
    /// - Parameters:
    ///   - specs: The files and folders to load, with their configurations.
    ///   - builtins: providers the host serves anyway; a plugin route they hold is taken.
    ///   - logger: Where loading is logged.
    /// - Throws: `PluginLoadError` for the first file that does not load.
    public static func load(
        _ specs: [PluginSpec], alongside builtins: [any Provider] = [], logger: Logger = Logger(label: "lyrebird.plugins")
    ) throws(PluginLoadError) -> [LoadedPlugin] {
        var owners = RouteOwners()
        for endpoint in AdminEndpoint.allCases {
            owners.claim(endpoint.method, endpoint.path, by: "the host's admin API")
        }
        for provider in builtins {
            for route in provider.routes {
                owners.claim(route.method, route.path, conditions: route.onlyWith, by: "builtin provider \(provider.name.debugDescription)")
            }
        }
        var responderOwners: [String: String] = [:]
        var loaded: [LoadedPlugin] = []
        for spec in try unique(try expand(specs)) {
            let plugin = try loadLibrary(spec, logger: logger)
            for provider in plugin.providers {
                for route in provider.routes {
                    if let owner = owners.claim(
                        route.method, route.path, conditions: route.onlyWith,
                        by: "provider \(provider.name.debugDescription) of \(plugin.file)")
                    {
                        throw PluginLoadError(
                            file: plugin.file,
                            message:
                                "provider \(provider.name.debugDescription) claims \(route.method.rawValue) \(route.path), which is already taken by \(owner)",
                            pluginABIVersion: plugin.abiVersion)
                    }
                }
            }
            for responder in plugin.responders {
                if let owner = responderOwners[responder.name] {
                    throw PluginLoadError(
                        file: plugin.file, message: "responder \(responder.name.debugDescription) is already registered by \(owner)",
                        pluginABIVersion: plugin.abiVersion)
                }
                responderOwners[responder.name] = plugin.file
            }
            loaded.append(plugin)
        }
        return loaded
    }

    /// Replaces each folder by the `.so` files in it, in name order.
    static func expand(_ specs: [PluginSpec]) throws(PluginLoadError) -> [PluginSpec] {
        var files: [PluginSpec] = []
        for spec in specs {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: spec.path, isDirectory: &isDirectory) else {
                throw PluginLoadError(file: spec.path, message: "no such file or folder")
            }
            guard isDirectory.boolValue else {
                files.append(spec)
                continue
            }
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: spec.path)
            } catch {
                throw PluginLoadError(file: spec.path, message: "cannot list the folder: \(error.localizedDescription)")
            }
            for name in names.sorted() where name.hasSuffix(".so") {
                files.append(PluginSpec(path: (spec.path as NSString).appendingPathComponent(name), configuration: spec.configuration))
            }
        }
        return files
    }

    /// Drops later mentions of a library already named: `dlopen` gives one image per file, so
    /// a second load would only register the same things again.
    static func unique(_ files: [PluginSpec]) throws(PluginLoadError) -> [PluginSpec] {
        var firstByFile: [String: PluginSpec] = [:]
        var kept: [PluginSpec] = []
        for spec in files {
            let file = realPath(spec.path)
            guard let first = firstByFile[file] else {
                firstByFile[file] = spec
                kept.append(spec)
                continue
            }
            guard spec.configuration == .null || spec.configuration == first.configuration else {
                throw PluginLoadError(
                    file: spec.path, message: "is named again with another configuration than where it is first named (\(first.path))")
            }
        }
        return kept
    }

    /// `path` with every link resolved, or as given when that fails.
    private static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Opens one library and runs its entry point.
    static func loadLibrary(_ spec: PluginSpec, logger: Logger) throws(PluginLoadError) -> LoadedPlugin {
        let file = spec.path
        // RTLD_NODELETE: never unmap a Swift plugin (see platform-notes.md); RTLD_LOCAL: keep
        // each plugin's copy of shared Swift modules to itself.
        guard let library = dlopen(file, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE) else {
            throw PluginLoadError(file: file, message: "not a loadable shared library: \(lastDynamicLinkerError())")
        }
        guard let symbol = dlsym(library, LYREBIRD_PLUGIN_ENTRY_SYMBOL) else {
            throw PluginLoadError(
                file: file, message: "does not export the entry symbol \(LYREBIRD_PLUGIN_ENTRY_SYMBOL); is it a Lyrebird plugin?")
        }
        let entry = unsafeBitCast(symbol, to: lyrebird_plugin_entry_fn.self)
        // Before any of the plugin's code runs: Swift has no stable ABI on Linux, so the entry
        // point of a Swift plugin built by another compiler may already misbehave.
        let swiftCompiler = try checkSwiftCompiler(of: library, file: file)

        let registration = PluginRegistration(file: file, configuration: spec.configuration, logger: logger)
        let api = HostFunctionTable.make(for: registration)
        let info = UnsafeMutablePointer<lyrebird_plugin_info>.allocate(capacity: 1)
        defer { info.deallocate() }
        info.initialize(to: lyrebird_plugin_info())
        info.pointee.struct_size = UInt32(MemoryLayout<lyrebird_plugin_info>.size)

        registration.beginEntry(info: info)
        let status = entry(api, info)
        let major = Int32(info.pointee.abi_major)
        let minor = Int32(info.pointee.abi_minor)
        let name = PluginBytes.read(from: info.pointee.name)
        let version = PluginBytes.read(from: info.pointee.version)
        let outcome = registration.endEntry(name: name)
        let pluginABI = major == 0 && minor == 0 ? nil : "\(major).\(minor)"

        guard let pluginABI else {
            throw PluginLoadError(
                file: file, message: "the entry point did not declare the ABI it was built for (abi_major/abi_minor in its info)")
        }
        guard major == LYREBIRD_PLUGIN_ABI_MAJOR, minor <= LYREBIRD_PLUGIN_ABI_MINOR else {
            throw PluginLoadError(
                file: file,
                message:
                    "was built for plugin ABI \(pluginABI), which this host does not support (it needs major \(LYREBIRD_PLUGIN_ABI_MAJOR) and minor at most \(LYREBIRD_PLUGIN_ABI_MINOR))",
                pluginABIVersion: pluginABI)
        }
        guard status == LYREBIRD_OK else {
            var message: String
            switch status {
            case LYREBIRD_ABI_MISMATCH: message = "refused this host's ABI \(hostABIVersion)"
            default: message = "its entry point failed (status \(status))"
            }
            if let reason = outcome.error, !reason.isEmpty { message += ": \(reason)" }
            if !outcome.problems.isEmpty { message += " (\(outcome.problems.joined(separator: "; ")))" }
            throw PluginLoadError(file: file, message: message, pluginABIVersion: pluginABI)
        }
        if let problem = outcome.problems.first {
            throw PluginLoadError(file: file, message: "registration failed: \(problem)", pluginABIVersion: pluginABI)
        }
        guard !name.isEmpty else {
            throw PluginLoadError(file: file, message: "the entry point gave no plugin name", pluginABIVersion: pluginABI)
        }
        let providers = outcome.providers.map { provider in
            var named = provider
            named.plugin = name
            return named
        }
        return LoadedPlugin(
            file: file, name: name, version: version, abiVersion: pluginABI, swiftCompilerVersion: swiftCompiler, providers: providers,
            responders: outcome.responders)
    }

    /// The Swift compiler that built the plugin in `library`, read from its
    /// `lyrebird_plugin_swift_info`; `nil` for a plugin without one (written in C).
    ///
    /// - Throws: `PluginLoadError` naming both compilers when it is not the host's, or naming
    ///   both ABIs when the plugin's is not one the host supports.
    private static func checkSwiftCompiler(of library: UnsafeMutableRawPointer, file: String) throws(PluginLoadError) -> String? {
        guard let symbol = dlsym(library, LYREBIRD_PLUGIN_SWIFT_INFO_SYMBOL) else { return nil }
        let fill = unsafeBitCast(symbol, to: lyrebird_plugin_swift_info_fn.self)
        var info = lyrebird_swift_info()
        info.struct_size = UInt32(MemoryLayout<lyrebird_swift_info>.size)
        fill(&info)
        let pluginABI = "\(info.abi_major).\(info.abi_minor)"
        guard Int32(info.abi_major) == LYREBIRD_PLUGIN_ABI_MAJOR, Int32(info.abi_minor) <= LYREBIRD_PLUGIN_ABI_MINOR else {
            throw PluginLoadError(
                file: file,
                message:
                    "was built for plugin ABI \(pluginABI), which this host does not support (it needs major \(LYREBIRD_PLUGIN_ABI_MAJOR) and minor at most \(LYREBIRD_PLUGIN_ABI_MINOR))",
                pluginABIVersion: pluginABI)
        }
        let compiler = PluginBytes.read(from: info.compiler_version)
        let hostCompiler = LyrebirdPlugin.swiftCompilerVersion
        guard compiler == hostCompiler else {
            throw PluginLoadError(
                file: file,
                message:
                    "is a Swift plugin built by Swift \(compiler.isEmpty ? "(unknown)" : compiler), but this host was built by Swift \(hostCompiler); Swift has no stable ABI on Linux, so rebuild the plugin with the host's Swift compiler",
                pluginABIVersion: pluginABI)
        }
        return compiler
    }

    private static func lastDynamicLinkerError() -> String {
        dlerror().map { String(cString: $0) } ?? "unknown error"
    }
}

/// Which route belongs to whom, so that a clash can name both sides.
private struct RouteOwners {
    private var owners: [String: String] = [:]

    /// Claims a route; returns the owner when it is already taken. `{name}` segments are
    /// equal whatever their names. Routes with different `conditions` (`onlyWith`) may share a
    /// method and path, as the route table serves them: only the same set twice is taken.
    @discardableResult
    mutating func claim(_ method: HTTPMethodName, _ path: String, conditions: [RouteCondition] = [], by owner: String) -> String? {
        let segments = path.split(separator: "/").map { $0.hasPrefix("{") && $0.hasSuffix("}") ? "{}" : String($0) }
        let only = Set(conditions.map { "\($0.header.map { "header " + $0 } ?? "") \($0.queryItem.map { "query " + $0 } ?? "")" })
        let key =
            method.rawValue + " /" + segments.joined(separator: "/")
            + (only.isEmpty ? "" : " only with " + only.sorted().joined(separator: ", "))
        if let existing = owners[key] { return existing }
        owners[key] = owner
        return nil
    }
}
