import ArgumentParser
import Foundation

/// The files of a starter plugin package, from the templates in this folder.
///
/// Templates are Swift string constants, so that the `lyrebird` executable carries them
/// wherever it is installed. They spell placeholders `{{NAME}}`: see `substitutions`.
struct StarterKit {
    /// Where a Swift package finds Lyrebird.
    enum Lyrebird {
        /// A checkout on this machine.
        case path(URL)
        /// A git URL and the lowest version.
        case url(String, from: String)

        /// The package identity SwiftPM gives the dependency, which `.product(name:package:)`
        /// names: the last component of its path or URL, whatever the package calls itself.
        var identity: String {
            switch self {
            case .path(let folder): return folder.lastPathComponent
            case .url(let url, _):
                let last = url.split(separator: "/").last.map(String.init) ?? url
                return last.hasSuffix(".git") ? String(last.dropLast(4)) : last
            }
        }

        var dependency: String {
            switch self {
            case .path(let folder): return ".package(path: \(folder.path.debugDescription))"
            case .url(let url, let from): return ".package(url: \(url.debugDescription), from: \(from.debugDescription))"
            }
        }
    }

    let names: StarterNames
    let lyrebird: Lyrebird
    /// The `lyrebird` the package's tests serve the plugin with, unless told another.
    let lyrebirdExecutable: String

    /// Every file of the package, by path inside it.
    func files(kind: PluginsInit.Kind, language: PluginsInit.Language) throws -> [String: String] {
        var files: [String: String]
        switch (kind, language) {
        case (.provider, .swift): files = SwiftTemplates.provider
        case (.responder, .swift): files = SwiftTemplates.responder
        case (.provider, .c): files = CTemplates.provider
        case (.responder, .c): files = CTemplates.responder
        }
        switch language {
        case .swift: files.merge(SwiftTemplates.package) { own, _ in own }
        case .c:
            files.merge(CTemplates.package) { own, _ in own }
            files["include/lyrebird_plugin.h"] = try header()
        }
        files.merge(kind == .provider ? CommonTemplates.providerFixtures : CommonTemplates.responderFixtures) { own, _ in own }
        var substituted: [String: String] = [:]
        for (path, text) in files { substituted[substitute(path)] = substitute(text) }
        return substituted
    }

    /// The plugin ABI header, copied from the checkout: a C plugin is built against the copy
    /// it keeps, and declares that header's ABI version.
    private func header() throws -> String {
        guard case .path(let checkout) = lyrebird else {
            throw ValidationError("A C plugin copies lyrebird_plugin.h from a Lyrebird checkout: give --lyrebird-path.")
        }
        return try String(contentsOf: checkout.appendingPathComponent(Self.headerPath), encoding: .utf8)
    }

    static let headerPath = "Sources/PluginAPI/C/include/lyrebird_plugin.h"

    private var substitutions: [(String, String)] {
        let docs: String
        switch lyrebird {
        case .path(let folder): docs = folder.appendingPathComponent("docs/plugins.md").path
        case .url: docs = "docs/plugins.md in the Lyrebird repository"
        }
        return [
            ("{{NAME}}", names.plugin), ("{{MODULE}}", names.module), ("{{C_NAME}}", names.c),
            ("{{LYREBIRD_DEPENDENCY}}", lyrebird.dependency), ("{{LYREBIRD_PACKAGE}}", lyrebird.identity.debugDescription),
            ("{{LYREBIRD_EXECUTABLE}}", lyrebirdExecutable), ("{{PLUGINS_GUIDE}}", docs),
        ]
    }

    private func substitute(_ text: String) -> String {
        substitutions.reduce(text) { text, pair in text.replacingOccurrences(of: pair.0, with: pair.1) }
    }

    /// Writes `files` under `folder`, which must not exist or be empty.
    static func write(_ files: [String: String], into folder: URL) throws {
        let manager = FileManager.default
        if let existing = try? manager.contentsOfDirectory(atPath: folder.path), !existing.isEmpty {
            throw ValidationError("\(folder.path) is not empty; choose a new folder.")
        }
        for (path, text) in files {
            let file = folder.appendingPathComponent(path)
            try manager.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file)
            if path.hasSuffix(".sh") { try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file.path) }
        }
    }

    /// Whether `folder` holds a Lyrebird checkout.
    static func isCheckout(_ folder: URL) -> Bool {
        let manager = FileManager.default
        return manager.fileExists(atPath: folder.appendingPathComponent("Package.swift").path)
            && manager.fileExists(atPath: folder.appendingPathComponent(headerPath).path)
    }

    /// The checkout `file` (the running executable) lies in, as `swift build` puts it under
    /// `.build`; `nil` for an installed `lyrebird`.
    static func checkout(containing file: URL) -> URL? {
        var folder = file.resolvingSymlinksInPath().deletingLastPathComponent()
        while folder.pathComponents.count > 1 {
            if isCheckout(folder) { return folder }
            folder = folder.deletingLastPathComponent()
        }
        return nil
    }
}
