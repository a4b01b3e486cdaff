/// Cuts long text into pieces for stream events. A streamed reply's text may arrive as one
/// event (a fixture without timing, a Lua script's long text); clients refuse an event-stream
/// message whose payload is too large (botocore at 24 MiB), and Bedrock's own events are small.
enum BedrockPieces {
    /// The most UTF-8 bytes of text one event carries.
    static let maximumBytes = 64 * 1024

    /// `text` in order, in pieces of at most `maximumBytes` UTF-8 bytes, cut between Unicode
    /// scalars; text that fits is one piece, and empty text is one empty piece.
    static func split(_ text: String, maximumBytes: Int = maximumBytes) -> [String] {
        guard text.utf8.count > maximumBytes else { return [text] }
        var pieces: [String] = []
        var piece = String.UnicodeScalarView()
        var bytes = 0
        for scalar in text.unicodeScalars {
            let width = UTF8.width(scalar)
            if bytes + width > maximumBytes {
                pieces.append(String(piece))
                piece = String.UnicodeScalarView()
                bytes = 0
            }
            piece.append(scalar)
            bytes += width
        }
        if !piece.isEmpty { pieces.append(String(piece)) }
        return pieces
    }
}
