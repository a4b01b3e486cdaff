import LyrebirdStructuredOutput
import Testing

@testable import LyrebirdHost

@Suite struct GlobPatternTests {
    @Test func requiredLiteralsAreTheRunsBetweenWildcards() {
        #expect(GlobPattern("*error*retry?").requiredLiterals() == ["error", "retry"])
        #expect(GlobPattern("gpt-4o*").requiredLiterals() == ["gpt-4o"])
        #expect(GlobPattern("caf?").requiredLiterals() == ["caf"])
        #expect(GlobPattern("ÉCOLE*").requiredLiterals() == ["école"])
        #expect(GlobPattern("A*a?b*ab").requiredLiterals() == ["a", "b", "ab"])
        #expect(GlobPattern("*").requiredLiterals().isEmpty)
        #expect(GlobPattern("").requiredLiterals().isEmpty)
        #expect(GlobPattern("??").requiredLiterals().isEmpty)
    }

    /// Every run is in every text the glob matches, lower-cased as the glob compares.
    @Test func everyMatchHoldsEveryRun() {
        var globs = [""]
        for _ in 0..<4 { globs += globs.flatMap { glob in ["a", "B", "*", "?"].map { glob + $0 } } }
        var texts = [""]
        for _ in 0..<4 { texts += texts.flatMap { text in ["a", "b", "A"].map { text + $0 } } }
        for glob in Set(globs) {
            let pattern = GlobPattern(glob)
            for text in Set(texts) where pattern.matches(text) {
                let lowered = String(String.UnicodeScalarView(text.unicodeScalars.map(\.lowercased)))
                for run in pattern.requiredLiterals() { #expect(lowered.contains(run), "\(glob) matches \(text) without \(run)") }
            }
        }
    }
}
