import LyrebirdStructuredOutput

/// A fixture's regular expression or glob, compiled when the fixture is loaded. Matching costs
/// at most the text's length times the pattern's size, whatever the text: no pattern backtracks.
///
/// A regular expression is read by `PatternParser` (the syntax ECMA-262 and Python share, as in
/// JSON Schema patterns) and run by `PatternProgram`, Thompson's construction. Inline flags
/// (`(?i)`, `(?m)`, `(?s)`, `(?i:...)`) are the parser's, anywhere in the pattern. Anything a
/// backtracking engine would be needed for, such as back-references or look-around, is refused
/// when the fixture is loaded.
public final class CompiledPattern: Sendable {
    /// The pattern as the fixture wrote it.
    public let source: String
    /// Strings every text the pattern matches contains, lower-cased one scalar at a time
    /// (`CompiledPattern.folded(_:)`): matching looks for them in every fixture's texts at once
    /// and runs the pattern only when all are there.
    let requiredLiterals: [String]
    private let engine: Engine

    private enum Engine: Sendable {
        case program(PatternProgram)
        case glob(GlobPattern)
    }

    /// Compiles a regular expression; throws an error saying why a pattern cannot be used.
    public init(regex source: String) throws {
        self.source = source
        let node = try PatternParser.parse(source)
        engine = .program(try PatternProgram(node))
        requiredLiterals = node.requiredLiterals().map(Self.folded)
    }

    /// Compiles a glob: `*` matches any run, `?` one character, everything else itself.
    /// The glob must match the whole text; case is ignored unless `ignoringCase` is false.
    public init(glob source: String, ignoringCase: Bool = true) {
        self.source = source
        let glob = GlobPattern(source, ignoringCase: ignoringCase)
        engine = .glob(glob)
        requiredLiterals = glob.requiredLiterals().map(Self.folded)
    }

    /// `text` lower-cased one scalar at a time, as patterns compare case (`String.lowercased()`
    /// may change a text's length, which a pattern's literal must not see).
    static func folded(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: text.unicodeScalars.lazy.map(\.lowercased))
        return String(scalars)
    }

    /// Whether the pattern finds a match in `text`.
    public func matches(_ text: String) -> Bool {
        switch engine {
        case .program(let program): return program.matches(Array(text.unicodeScalars))
        case .glob(let glob): return glob.matches(text)
        }
    }
}
