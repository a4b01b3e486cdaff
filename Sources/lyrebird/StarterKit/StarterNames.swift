import ArgumentParser

/// The names a starter package derives from its plugin's name, `acme-chat`: the Swift module
/// and library (`AcmeChat`, `libAcmeChat.so`) and the C identifier and library (`acme_chat`,
/// `libacme_chat.so`).
struct StarterNames {
    /// The name the templates are written with, whose spellings `plugins init` replaces. It has a
    /// dash so that each of its spellings differs from the others (`my-plugin`, `MyPlugin`,
    /// `my_plugin`): a one-word name would be spelled alike as a plugin and as a C name, and
    /// which one a template meant could not be told.
    static let template = try! StarterNames("my-plugin")

    /// The plugin's name as the host shows it, and its provider's or responder's name.
    let plugin: String
    /// An UpperCamelCase Swift identifier.
    let module: String
    /// A C identifier.
    let c: String

    /// The library `swift build` makes of a Swift plugin.
    var swiftLibrary: String { "lib\(module).so" }
    /// The library `make` makes of a C plugin.
    var cLibrary: String { "lib\(c).so" }

    /// Every spelling, always in this order, so that two names' spellings pair up.
    var spellings: [String] { [plugin, module, c, swiftLibrary, cLibrary] }

    init(_ plugin: String) throws {
        let allowed = plugin.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        guard allowed, let first = plugin.unicodeScalars.first, ("a"..."z").contains(first), !plugin.hasSuffix("-") else {
            throw ValidationError(
                "\(plugin.debugDescription) cannot name a plugin: use lower-case letters, digits and dashes, starting with a letter (--name)."
            )
        }
        self.plugin = plugin
        module = plugin.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        c = plugin.replacingOccurrences(of: "-", with: "_")
    }
}
