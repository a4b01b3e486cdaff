import Testing

@testable import LyrebirdHost

@Suite struct SemanticEmbedderTests {
    private func cosine(_ left: [Double], _ right: [Double]) -> Double {
        zip(left, right).reduce(0) { $0 + $1.0 * $1.1 }
    }

    @Test func fewerDimensionsAreTheFirstOnesNormalisedAgain() {
        let text = "a lyrebird sings in the forest"
        let full = SemanticEmbedder.vector(for: text, dimensions: 3072)
        for dimensions in [8, 64, 100, 256, 1536] {
            let prefix = Array(full.prefix(dimensions))
            let length = prefix.reduce(0) { $0 + $1 * $1 }.squareRoot()
            let short = SemanticEmbedder.vector(for: text, dimensions: dimensions)
            #expect(zip(short, prefix).allSatisfy { abs($0 - $1 / length) < 1e-12 }, "\(dimensions)")
        }
    }

    @Test func differentWordsAreNearlyOrthogonalAndSharedWordsAreNot() {
        let words = (0..<100).map { "word\($0)" }
        let vectors = words.map { SemanticEmbedder.vector(for: $0, dimensions: 1536) }
        var total = 0.0
        for index in 1..<vectors.count { total += abs(cosine(vectors[index - 1], vectors[index])) }
        #expect(total / Double(vectors.count - 1) < 0.1)
        let query = SemanticEmbedder.vector(for: "where does the cat sit", dimensions: 1536)
        #expect(cosine(query, SemanticEmbedder.vector(for: "the cat sat on the mat", dimensions: 1536)) > 0.3)
    }

    @Test func aTextIsTheSumOfItsWordsWhateverTheirOrder() {
        #expect(
            SemanticEmbedder.vector(for: "cat mat cat", dimensions: 512) == SemanticEmbedder.vector(for: "Mat, cat; CAT!", dimensions: 512))
    }
}
