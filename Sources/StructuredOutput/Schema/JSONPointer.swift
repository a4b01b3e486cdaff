import Foundation

/// JSON Pointers (RFC 6901): built to name the value a problem is about, and read to follow a
/// `$ref`.
enum JSONPointer {
    /// `pointer` extended by one object member.
    static func appending(_ member: String, to pointer: String) -> String {
        pointer + "/" + member.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    /// `pointer` extended by one array index.
    static func appending(_ index: Int, to pointer: String) -> String {
        pointer + "/" + String(index)
    }

    /// The reference tokens of `pointer`, unescaped; `""` (the whole document) has none.
    static func tokens(of pointer: String) -> [String] {
        guard !pointer.isEmpty else { return [] }
        return pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map { token in
            token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    /// The pointer as a message shows it: the whole document is `(root)`.
    static func display(_ pointer: String) -> String {
        pointer.isEmpty ? "(root)" : pointer
    }
}
