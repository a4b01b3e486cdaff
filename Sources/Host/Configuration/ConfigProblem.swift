/// One thing wrong with a configuration or fixture file, with where it is.
public struct ConfigProblem: Sendable, Hashable, CustomStringConvertible {
    /// The file, as it was named to the host (`<inline>` for text given in code).
    public var file: String
    /// 1-based line and column, when known.
    public var line: Int?
    /// 1-based column, when known.
    public var column: Int?
    /// The fixture the problem is in ("fixture #2 \"greet\""), if any.
    public var fixture: String?
    /// The key path inside the fixture or document (`match.user.regex`).
    public var key: String
    /// What is wrong, in a sentence.
    public var message: String

    /// Creates a problem report.
    public init(file: String, line: Int? = nil, column: Int? = nil, fixture: String? = nil, key: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.fixture = fixture
        self.key = key
        self.message = message
    }

    /// `file:line:column: fixture: key: message`, leaving out what is unknown.
    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if let column { location += ":\(column)" }
        var text = location + ": "
        if let fixture { text += fixture + ": " }
        if !key.isEmpty { text += key + ": " }
        return text + message
    }
}

/// A configuration that cannot be used, with every problem found in it.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    /// Every problem found, in file order.
    public var problems: [ConfigProblem]

    /// Creates an error from its problems.
    public init(problems: [ConfigProblem]) {
        self.problems = problems
    }

    /// One problem per line.
    public var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}
