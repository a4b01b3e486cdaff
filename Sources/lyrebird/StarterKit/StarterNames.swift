import ArgumentParser

/// The names a starter package derives from its plugin's name, `acme-chat`: the Swift module
/// and library (`AcmeChat`, `libAcmeChat.so`) and the C identifier and library (`acme_chat`,
/// `libacme_chat.so`).
struct StarterNames {
    /// The plugin's name as the host shows it, and its provider's or responder's name.
    let plugin: String
    /// An UpperCamelCase Swift identifier.
    let module: String
    /// A C identifier.
    let c: String

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
