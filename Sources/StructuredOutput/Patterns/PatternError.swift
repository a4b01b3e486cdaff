/// Why a `pattern` cannot be used: it is malformed, or it uses a feature outside the subset that
/// `PatternParser` reads (back-references, look-around, word boundaries, Unicode properties).
package struct PatternError: Error, Sendable, Hashable, CustomStringConvertible {
    let reason: String

    init(_ reason: String) {
        self.reason = reason
    }

    package var description: String { reason }
}
