import ArgumentParser
import Foundation

/// The files of a starter plugin package: a kit's templates (`StarterTemplates`), renamed for
/// the package.
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
    func files(from templates: StarterTemplates, kind: PluginsInit.Kind, language: PluginsInit.Language) throws -> [String: String] {
        let renaming = TemplateRenaming(replacements)
        var files: [String: String] = [:]
        for (path, text) in try templates.files(of: "\(language.rawValue)-\(kind.rawValue)") {
            files[renaming.apply(to: path)] = renaming.apply(to: text)
        }
        if language == .c { files["include/lyrebird_plugin.h"] = try header() }
        return files
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

    /// How the templates spell what depends on where Lyrebird is: as a package built beside a
    /// Lyrebird checkout (or a link to one) named `lyrebird`, and served by an installed `lyrebird`.
    private enum TemplateSpelling {
        static let dependency = #".package(path: "../lyrebird")"#
        static let packageArgument = #"package: "lyrebird""#
        static let executable = "/usr/local/bin/lyrebird"
        static let guide = "docs/plugins.md in the Lyrebird repository"
    }

    /// Each template spelling with this package's.
    private var replacements: [(String, String)] {
        let guide: String
        switch lyrebird {
        case .path(let folder): guide = folder.appendingPathComponent("docs/plugins.md").path
        case .url: guide = TemplateSpelling.guide
        }
        return Array(zip(StarterNames.template.spellings, names.spellings)) + [
            (TemplateSpelling.dependency, lyrebird.dependency),
            (TemplateSpelling.packageArgument, "package: \(lyrebird.identity.debugDescription)"),
            (TemplateSpelling.executable, lyrebirdExecutable), (TemplateSpelling.guide, guide),
        ]
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
