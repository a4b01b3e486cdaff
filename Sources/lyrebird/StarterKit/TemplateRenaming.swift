/// Replaces the spellings a template is written with (`my-plugin`, `MyPlugin`, `libmy_plugin.so`,
/// `/usr/local/bin/lyrebird`, ...) by a package's own, wherever one stands whole, and nowhere
/// else: the text around them is the package's text, and is left exactly as written.
///
/// A spelling stands whole when no letter, digit or `_` comes just before it, and none comes just
/// after it but an upper-case letter, which starts the next word of a camel-case identifier
/// (`MyPluginTests`). So `my_plugin` is not replaced inside `libmy_plugin.so` (that is a spelling
/// of its own) nor `MyPlugin` inside `MyPlugins`, while `my-plugin` is, in `/my-plugin/v1` and in
/// `my-plugin-small`.
struct TemplateRenaming {
    private let replacements: [(spelling: [UInt8], replacement: [UInt8])]

    /// `pairs`: each template spelling with what it becomes.
    init(_ pairs: [(String, String)]) {
        // Longest first: where two spellings start at one place, the longer one is the whole word.
        replacements = pairs.map { (Array($0.0.utf8), Array($0.1.utf8)) }.sorted { $0.spelling.count > $1.spelling.count }
    }

    /// `text` with every whole spelling replaced, in one pass: a replacement is never read again,
    /// so a name that contains a template spelling is written as given.
    func apply(to text: String) -> String {
        let bytes = Array(text.utf8)
        var renamed: [UInt8] = []
        renamed.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if let found = replacements.first(where: { Self.standsWhole($0.spelling, in: bytes, at: index) }) {
                renamed += found.replacement
                index += found.spelling.count
            } else {
                renamed.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: renamed, as: UTF8.self)
    }

    private static func standsWhole(_ spelling: [UInt8], in bytes: [UInt8], at index: Int) -> Bool {
        guard bytes[index...].starts(with: spelling) else { return false }
        let end = index + spelling.count
        let joinedBefore = index > 0 && isWordByte(bytes[index - 1])
        let joinedAfter = end < bytes.count && isWordByte(bytes[end]) && !isUpperCase(bytes[end])
        return !joinedBefore && !joinedAfter
    }

    /// A letter, digit or `_`: what identifiers and names are made of. Spellings are ASCII, so a
    /// byte of any other character is none of these and starts no spelling.
    private static func isWordByte(_ byte: UInt8) -> Bool {
        isUpperCase(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
    }

    private static func isUpperCase(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }
}
