import LyrebirdStructuredOutput

/// A shell-style pattern (`*` any run, `?` one character, everything else itself) that must
/// match the whole text, ignoring case unless told otherwise. Matching costs at most the text's length times the
/// pattern's: after a mismatch only the latest `*` is retried, one character further on, since
/// an earlier `*` could only reach texts the latest one reaches too.
struct GlobPattern: Sendable {
    private enum Token: Sendable, Equatable {
        case anyRun
        case anyCharacter
        case scalar(Unicode.Scalar)
    }

    private let tokens: [Token]
    private let ignoringCase: Bool

    init(_ source: String, ignoringCase: Bool = true) {
        self.ignoringCase = ignoringCase
        var tokens: [Token] = []
        for scalar in source.unicodeScalars {
            switch scalar {
            case "*": if tokens.last != .anyRun { tokens.append(.anyRun) }
            case "?": tokens.append(.anyCharacter)
            default: tokens.append(.scalar(ignoringCase ? scalar.lowercased : scalar))
            }
        }
        self.tokens = tokens
    }

    /// The runs of literal characters between wildcards (`*error*retry?` gives `error` and
    /// `retry`), each once, in the glob's order: every text the glob matches contains all of
    /// them. Lower-cased one scalar at a time with `Unicode.Scalar.lowercased`, as the glob
    /// compares, so a prefilter looks for them in the text lower-cased the same way.
    func requiredLiterals() -> [String] {
        var runs: [String] = []
        var run = String.UnicodeScalarView()
        for token in tokens + [.anyRun] {
            guard case .scalar(let scalar) = token else {
                if !run.isEmpty, !runs.contains(String(run)) { runs.append(String(run)) }
                run = String.UnicodeScalarView()
                continue
            }
            run.append(scalar)
        }
        return runs
    }

    /// Whether the pattern matches all of `text`, one Unicode scalar at a time.
    func matches(_ text: String) -> Bool {
        let text = ignoringCase ? text.unicodeScalars.map(\.lowercased) : Array(text.unicodeScalars)
        var position = 0
        var token = 0
        var lastRun: (token: Int, position: Int)?
        while position < text.count {
            if token < tokens.count {
                switch tokens[token] {
                case .anyRun:
                    lastRun = (token, position)
                    token += 1
                    continue
                case .anyCharacter:
                    token += 1
                    position += 1
                    continue
                case .scalar(let scalar) where scalar == text[position]:
                    token += 1
                    position += 1
                    continue
                case .scalar:
                    break
                }
            }
            guard let run = lastRun else { return false }
            // The latest `*` takes one more character, and the rest of the pattern tries again.
            lastRun = (run.token, run.position + 1)
            token = run.token + 1
            position = run.position + 1
        }
        return tokens[token...].allSatisfy { $0 == .anyRun }
    }
}
