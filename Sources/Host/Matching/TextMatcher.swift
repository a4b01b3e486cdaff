import LyrebirdPluginAPI

/// A test on one piece of request text (the model id, a message, a header...).
///
/// Patterns are compiled when the fixture is loaded, never per request.
public struct TextMatcher: Sendable {
    /// How the text is tested.
    public enum Kind: Sendable {
        /// The whole text equals the value.
        case equals(String)
        /// The text contains the value.
        case contains(String)
        /// The regular expression finds a match somewhere in the text (see `CompiledPattern`).
        case regex(CompiledPattern)
        /// The whole text matches a shell-style pattern (`*` any run, `?` one character).
        case glob(CompiledPattern)
        /// The text is at least `threshold` similar to the value (see `FuzzySimilarity`).
        case fuzzy(String, threshold: Double)
    }

    /// How the text is tested.
    public var kind: Kind
    /// Whether upper and lower case count as the same. By default `equals` and `regex` tell them
    /// apart (a regex may say `(?i)`), and `contains`, `glob` and `fuzzy` do not.
    public var ignoresCase: Bool
    /// `contains`' value as the needle it searches for, made once.
    private let needle: NeedleIndex?

    /// Creates a matcher with the kind's usual treatment of case.
    public init(_ kind: Kind) {
        self.init(kind, ignoringCase: Self.ignoresCaseByDefault(kind))
    }

    /// Creates a matcher that ignores case or not.
    public init(_ kind: Kind, ignoringCase: Bool) {
        self.kind = kind
        self.ignoresCase = ignoringCase
        if case .contains(let value) = kind {
            needle = NeedleIndex([Self.bytes(value, ignoringCase: ignoringCase)])
        } else {
            needle = nil
        }
    }

    static func ignoresCaseByDefault(_ kind: Kind) -> Bool {
        switch kind {
        case .equals, .regex: return false
        case .contains, .glob, .fuzzy: return true
        }
    }

    /// The bytes a needle or a text is compared as.
    static func bytes(_ text: String, ignoringCase: Bool) -> [UInt8] {
        Array((ignoringCase ? text.lowercased() : text).utf8)
    }

    /// Whether `text` passes.
    public func matches(_ text: String) -> Bool {
        switch kind {
        case .equals(let value): return ignoresCase ? text.lowercased() == value.lowercased() : text == value
        case .contains(let value):
            guard !value.isEmpty, let needle else { return true }
            var found = false
            needle.search(Self.bytes(text, ignoringCase: ignoresCase)) { _ in found = true }
            return found
        case .regex(let pattern), .glob(let pattern): return pattern.matches(text)
        case .fuzzy(let value, let threshold):
            return FuzzySimilarity.isSimilar(FuzzySimilarity.normalized(text), FuzzySimilarity.normalized(value), threshold: threshold)
        }
    }

    /// The test in words, for near-miss reports ("contains \"hello\"").
    public var summary: String {
        let matchingCase = ignoresCase != Self.ignoresCaseByDefault(kind) ? (ignoresCase ? ", ignoring case" : ", matching case") : ""
        switch kind {
        case .equals(let value): return "equals \(value.debugDescription)\(matchingCase)"
        case .contains(let value): return "contains \(value.debugDescription)\(matchingCase)"
        case .regex(let pattern): return "matches regex \(pattern.source.debugDescription)\(matchingCase)"
        case .glob(let pattern): return "matches glob \(pattern.source.debugDescription)\(matchingCase)"
        case .fuzzy(let value, let threshold):
            return "is at least \(Int(threshold * 100))% similar to \(value.debugDescription)"
        }
    }

    /// How close `text` comes to passing, from 0 to 1, for ranking near misses. Only the first
    /// `FuzzySimilarity.rankingLimit` characters of the text and the value are compared.
    public func closeness(_ text: String) -> Double {
        matches(text) ? 1 : closeness(failing: FuzzySimilarity.normalized(text))
    }

    /// How close a text that fails comes to passing, given the text normalised.
    func closeness(failing normalizedText: [Character]) -> Double {
        switch kind {
        case .equals(let value), .contains(let value), .fuzzy(let value, _):
            return FuzzySimilarity.rankingRatio(normalizedText, FuzzySimilarity.normalized(value))
        case .regex, .glob:
            return 0
        }
    }
}
