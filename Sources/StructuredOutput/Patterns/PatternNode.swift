/// A parsed regular expression, as `PatternParser` reads it.
package indirect enum PatternNode: Sendable {
    case literal(Unicode.Scalar)
    case characterClass(PatternCharacterClass)
    /// The parts one after another; an empty sequence matches the empty string.
    case sequence([PatternNode])
    case alternation([PatternNode])
    /// `minimum` to `maximum` (no limit when `nil`) repeats of the node.
    case repetition(PatternNode, minimum: Int, maximum: Int?)
    /// `^`: the start of the text.
    case start
    /// `$`: the end of the text.
    case end
}
