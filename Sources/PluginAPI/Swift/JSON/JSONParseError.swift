/// Raised when bytes are not a JSON document.
public struct JSONParseError: Error, Sendable, CustomStringConvertible {
    /// What the parser found wrong and where, fit to show a client
    /// ("Unexpected character 'x' at byte 12").
    public var message: String
    /// The zero-based byte offset of the problem in the input; for a truncated document,
    /// the input's length.
    public var offset: Int?
    /// The message.
    public var description: String { message }
}
