import Foundation

/// The starter kits' templates: a folder per kit (`c-provider`, `c-responder`, `swift-provider`,
/// `swift-responder`), each a package that builds and passes its own test as it stands, written
/// with the name `my-plugin` (`StarterNames.template`). Templates/README.md tells their layout.
///
/// They are files read at run time, from the first of two places that has them:
///
/// - `../share/lyrebird/starter-kits` from the executable's folder, where scripts/install.sh
///   copies them: the scheme the default plugins' `../lib/lyrebird/plugins` already follows
///   (`DefaultPlugins`), so an install keeps everything it needs under one prefix;
/// - `Sources/lyrebird/StarterKit/Templates` in the checkout the executable was built in, for
///   `swift build`'s output: the very tree the tests build as it stands, live without a rebuild.
///
/// Not SwiftPM resources (`Bundle.module`): its accessor stops the process with `fatalError` when
/// the bundle is missing, and falls back to the build folder's absolute path, so an install that
/// left the bundle out would work on the machine that built it and fail on every other. Not a
/// build-tool plugin that embeds them: that is a generator and two more targets to keep, for what
/// two folder names do.
struct StarterTemplates {
    /// The folder holding every kit's folder.
    let folder: URL

    static let installedPath = "share/lyrebird/starter-kits"
    static let checkoutPath = "Sources/lyrebird/StarterKit/Templates"

    /// No folder of templates in any place looked in.
    struct Missing: Error, CustomStringConvertible {
        let places: [URL]

        var description: String {
            "no starter kit templates in \(places.map(\.path).joined(separator: " nor in ")): scripts/install.sh puts them in "
                + "PREFIX/\(installedPath), and a lyrebird built in a Lyrebird checkout reads the checkout's \(checkoutPath)."
        }
    }

    /// The places looked in for the `lyrebird` at `executable`, in order. Links are resolved
    /// first, so a `lyrebird` reached through a link in `PATH` finds its own install's.
    static func places(executable: URL) -> [URL] {
        let prefix = executable.resolvingSymlinksInPath().deletingLastPathComponent().deletingLastPathComponent()
        let checkout = StarterKit.checkout(containing: executable)
        return [prefix.appendingPathComponent(installedPath)] + (checkout.map { [$0.appendingPathComponent(checkoutPath)] } ?? [])
    }

    /// The templates of the running `lyrebird`.
    static func find() throws -> StarterTemplates {
        let places = Bundle.main.executableURL.map(places(executable:)) ?? []
        guard let folder = places.first(where: isFolder) else { throw Missing(places: places) }
        return StarterTemplates(folder: folder)
    }

    /// The files of the kit in folder `kit`, by path inside it. Links are followed (kits share
    /// files through links into `common/`). What building a kit in place leaves, which its
    /// `.gitignore` lists, is not part of it.
    func files(of kit: String) throws -> [String: String] {
        let root = folder.appendingPathComponent(kit)
        guard Self.isFolder(root) else { throw Missing(places: [root]) }
        var files: [String: String] = [:]
        for path in try FileManager.default.subpathsOfDirectory(atPath: root.path) where !Self.isBuildOutput(path) {
            let file = root.appendingPathComponent(path)
            if !Self.isFolder(file) { files[path] = try String(contentsOf: file, encoding: .utf8) }
        }
        return files
    }

    private static func isBuildOutput(_ path: String) -> Bool {
        path.split(separator: "/").contains(".build") || path.hasSuffix(".so") || path == "Package.resolved"
    }

    private static func isFolder(_ url: URL) -> Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) && isFolder.boolValue
    }
}
