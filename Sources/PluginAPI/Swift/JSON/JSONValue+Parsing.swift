extension JSONValue {
    /// How deeply arrays and objects may nest in a document that `parse` accepts unless told
    /// otherwise.
    ///
    /// Real API requests nest a handful of levels; the limit keeps documents built to be deep
    /// from costing more than their size.
    public static let defaultMaximumDepth = 128

    /// Parses UTF-8 JSON bytes, allowing arrays and objects to nest `defaultMaximumDepth` deep.
    ///
    /// - Throws: `JSONParseError` with a message fit to show a client.
    public static func parse(_ bytes: some Collection<UInt8>) throws(JSONParseError) -> JSONValue {
        try parse(bytes, maximumDepth: defaultMaximumDepth)
    }

    /// Parses a UTF-8 JSON string, allowing arrays and objects to nest `defaultMaximumDepth` deep.
    ///
    /// - Throws: `JSONParseError` with a message fit to show a client.
    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try parse(text.utf8, maximumDepth: defaultMaximumDepth)
    }

    /// Parses UTF-8 JSON bytes as RFC 8259 defines them, strictly: no comments, trailing commas,
    /// `NaN` or invalid UTF-8. A leading byte order mark is skipped.
    ///
    /// Numbers written without fraction or exponent that fit in 64 bits become `.integer`, all
    /// others `.number`; one too large for a `Double` is refused. When a key repeats in an
    /// object, its last value wins. The time taken is linear in the input's length.
    ///
    /// - Parameters:
    ///   - bytes: The UTF-8 JSON text.
    ///   - maximumDepth: How many arrays and objects may nest inside each other; `1`
    ///     allows `[1, 2]` but not `[[1], 2]`, `0` allows only a bare scalar.
    /// - Throws: `JSONParseError` with a message fit to show a client and the byte offset of
    ///   the problem.
    public static func parse(_ bytes: some Collection<UInt8>, maximumDepth: Int) throws(JSONParseError) -> JSONValue {
        let parsed = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(JSONParseError) in
                var parser = JSONParser(bytes: buffer, maximumDepth: maximumDepth)
                return try parser.parseDocument()
            }
        }
        guard let parsed else { return try parse(Array(bytes), maximumDepth: maximumDepth) }
        return try parsed.get()
    }

    /// Parses JSON text by the rules of the byte-parsing `parse(_:maximumDepth:)`.
    ///
    /// - Throws: `JSONParseError` with a message fit to show a client and the byte offset of
    ///   the problem in the text's UTF-8.
    public static func parse(_ text: String, maximumDepth: Int) throws(JSONParseError) -> JSONValue {
        try parse(text.utf8, maximumDepth: maximumDepth)
    }
}
