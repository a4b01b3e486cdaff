extension JournalEntry {
    /// The longest text an entry keeps in one field, in Unicode scalars; the rest is dropped
    /// and counted. Error messages echo request values, and a 4 MB `role` kept in each of the
    /// journal's entries would hold gigabytes.
    public static let longestText = 1_000
    /// The most warnings an entry keeps.
    public static let mostWarnings = 20
    /// The most bytes an entry keeps of a request's body and of its reply.
    public static let longestBody = 16_384
    /// The most writes of a streamed reply an entry keeps.
    public static let mostWrites = 64
    /// The most bytes of a streamed reply's writes an entry keeps, all together.
    public static let longestWrites = 4096

    /// `bytes` as the journal keeps a body: its first `longestBody` bytes as text (bytes that
    /// are not UTF-8 replaced), and how many more there were; `nil` for none.
    static func excerpt(_ bytes: some Collection<UInt8>) -> String? {
        guard !bytes.isEmpty else { return nil }
        guard bytes.count > longestBody else { return String(decoding: bytes, as: UTF8.self) }
        return String(decoding: bytes.prefix(longestBody), as: UTF8.self) + "… (\(bytes.count - longestBody) more bytes)"
    }

    /// This entry with every text cut to `longestText` scalars and at most `mostWarnings`
    /// warnings and near misses, so that the journal's memory is bounded by its capacity.
    func bounded() -> JournalEntry {
        var entry = self
        entry.path = Self.bounded(path)
        entry.model = model.map(Self.bounded)
        entry.source = source.map(Self.bounded)
        entry.error = error.map(Self.bounded)
        entry.context = context.map(Self.bounded)
        entry.apiKey = apiKey.map(Self.bounded)
        entry.traceParent = traceParent.map(Self.bounded)
        entry.nearMisses = nearMisses.prefix(Self.mostWarnings).map(Self.bounded)
        if warnings.count > Self.mostWarnings {
            entry.warnings = Array(warnings.prefix(Self.mostWarnings)) + ["(\(warnings.count - Self.mostWarnings) more warnings)"]
        }
        entry.warnings = entry.warnings.map(Self.bounded)
        entry.faults = faults.prefix(Self.mostWarnings).map(Self.bounded)
        return entry
    }

    private static func bounded(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let end = scalars.index(scalars.startIndex, offsetBy: longestText, limitedBy: scalars.endIndex),
            end < scalars.endIndex
        else { return text }
        let dropped = scalars[end...].count
        return String(scalars[..<end]) + "… (\(dropped) more characters)"
    }
}
