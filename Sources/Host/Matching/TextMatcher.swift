import LyrebirdPluginAPI

/// A test on one piece of request text (the model id, the last user message, the system text).
///
/// Patterns are compiled when the fixture is loaded, never per request.
public struct TextMatcher: Sendable {
    /// How the text is tested.
    public enum Kind: Sendable {
        /// The whole text equals the value (case-sensitive).
        case equals(String)
        /// The text contains the value, ignoring case.
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

    /// Creates a matcher.
    public init(_ kind: Kind) {
        self.kind = kind
    }

    /// Whether `text` passes.
    public func matches(_ text: String) -> Bool {
        switch kind {
        case .equals(let value): return text == value
        case .contains(let value):
            let needle = Array(value.lowercased().utf8)
            var found = needle.isEmpty
            NeedleIndex([needle]).search(Array(text.lowercased().utf8)) { _ in found = true }
            return found
        case .regex(let pattern), .glob(let pattern): return pattern.matches(text)
        case .fuzzy(let value, let threshold):
            return FuzzySimilarity.isSimilar(FuzzySimilarity.normalized(text), FuzzySimilarity.normalized(value), threshold: threshold)
        }
    }

    /// Whether the text of `field` in `subject` passes, using what the subject has already
    /// worked out about the text for other fixtures.
    func matches(_ subject: MatchSubject, in field: MatchField) -> Bool {
        switch kind {
        case .equals(let value): return subject.text(field) == value
        case .contains(let value): return subject.contains(Array(value.lowercased().utf8), in: field) ?? matches(subject.text(field))
        case .regex(let pattern), .glob(let pattern): return pattern.matches(subject.text(field))
        case .fuzzy(let value, let threshold):
            return FuzzySimilarity.isSimilar(subject.normalizedText(field), FuzzySimilarity.normalized(value), threshold: threshold)
        }
    }

    /// The test in words, for near-miss reports ("contains \"hello\"").
    public var summary: String {
        switch kind {
        case .equals(let value): return "equals \(value.debugDescription)"
        case .contains(let value): return "contains \(value.debugDescription)"
        case .regex(let pattern): return "matches regex \(pattern.source.debugDescription)"
        case .glob(let pattern): return "matches glob \(pattern.source.debugDescription)"
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
