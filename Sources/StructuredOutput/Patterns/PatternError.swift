/// Why a pattern cannot be used: it is malformed, or it uses a feature outside the subset that
/// `PatternParser` reads (back-references, look-around, scripts).
package struct PatternError: Error, Sendable, Hashable, CustomStringConvertible {
    let reason: String

    init(_ reason: String) {
        self.reason = reason
    }

    package var description: String { reason }
}
