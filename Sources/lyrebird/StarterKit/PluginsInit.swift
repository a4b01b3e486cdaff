import ArgumentParser
import Foundation

/// `lyrebird plugins init`: writes a plugin package that builds with one command, with a
/// working example, a test that serves it through `lyrebird serve`, and a README.
struct PluginsInit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a starter plugin package: a provider or a responder, in Swift or C, with a test that serves it.",
        discussion: """
            Swift packages build with `swift build` and test with `swift test`; C packages build with \
            `make` and test with `make test`. Both tests start `lyrebird serve --plugin` and call the plugin.
            """)

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case provider, responder
    }

    enum Language: String, ExpressibleByArgument, CaseIterable {
        case swift, c
    }

    @Argument(help: "The folder to write the package into; it must not exist or be empty.")
    var directory: String

    @Option(help: "What the plugin adds: provider (a wire format and its routes) or responder (replies fixtures name).")
    var kind: Kind

    @Option(help: "swift or c.")
    var language: Language

    @Option(help: "A Lyrebird checkout to build against (default: the one this lyrebird was built in, if any).")
    var lyrebirdPath: String?

    @Option(help: "The Lyrebird package's git URL, for a Swift plugin that depends on a released version (with --from).")
    var lyrebirdURL: String?

    @Option(help: "The lowest Lyrebird version a Swift plugin depends on, with --lyrebird-url.")
    var from: String?

    @Option(help: "The plugin's name: lower-case letters, digits and dashes (default: the folder's name).")
    var name: String?

    func validate() throws {
        if lyrebirdURL != nil || from != nil {
            guard lyrebirdURL != nil, from != nil else { throw ValidationError("--lyrebird-url and --from go together.") }
            guard lyrebirdPath == nil else { throw ValidationError("Give --lyrebird-path or --lyrebird-url, not both.") }
            guard language == .swift else {
                throw ValidationError("A C plugin copies lyrebird_plugin.h from a Lyrebird checkout: give --lyrebird-path.")
            }
        }
    }

    func run() throws {
        let folder = URL(fileURLWithPath: directory).standardizedFileURL
        let name = try StarterNames(name ?? folder.lastPathComponent)
        let kit = StarterKit(names: name, lyrebird: try lyrebirdSource(), lyrebirdExecutable: Self.executablePath)
        let files = try kit.files(from: try StarterTemplates.find(), kind: kind, language: language)
        try StarterKit.write(files, into: folder)
        print("wrote a \(language == .swift ? "Swift" : "C") \(kind.rawValue) plugin \"\(name.plugin)\" in \(folder.path):")
        for file in files.keys.sorted() { print("  \(file)") }
        print(language == .swift ? "next: cd \(folder.path) && swift build && swift test" : "next: cd \(folder.path) && make && make test")
    }

    /// Where the package finds Lyrebird: the options, or the checkout this executable was
    /// built in.
    private func lyrebirdSource() throws -> StarterKit.Lyrebird {
        if let lyrebirdURL, let from { return .url(lyrebirdURL, from: from) }
        if let lyrebirdPath {
            let checkout = URL(fileURLWithPath: lyrebirdPath).standardizedFileURL.resolvingSymlinksInPath()
            guard StarterKit.isCheckout(checkout) else {
                throw ValidationError("\(lyrebirdPath) is not a Lyrebird checkout (no Package.swift and Sources/PluginAPI there).")
            }
            return .path(checkout)
        }
        if let executable = Bundle.main.executableURL, let checkout = StarterKit.checkout(containing: executable) {
            return .path(checkout)
        }
        throw ValidationError(
            "This lyrebird was not built in a Lyrebird checkout: give --lyrebird-path DIR"
                + (language == .swift ? ", or --lyrebird-url URL --from VERSION." : "."))
    }

    /// The running `lyrebird`, which the package's tests serve the plugin with by default: a
    /// plugin runs in the host it was built for.
    private static var executablePath: String {
        Bundle.main.executableURL?.resolvingSymlinksInPath().path ?? "lyrebird"
    }
}
