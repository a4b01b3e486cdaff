/// Deterministic embedding vectors that carry a little meaning, for embedding requests no
/// fixture pins: texts that share words point in similar directions, texts that share none are
/// nearly orthogonal, so a retrieval test's top-k and thresholds behave sensibly.
///
/// Each word (a lower-cased run of letters and digits) gets a dense pseudo-random direction
/// seeded by its hash; a text's vector is the sum of its words' directions, normalised to unit
/// length as the real models' are. Asking for fewer dimensions keeps the first ones and
/// normalises again, as the real API's `dimensions` does.
enum SemanticEmbedder {
    /// The unit vector of `text` with `dimensions` numbers.
    static func vector(for text: String, dimensions: Int) -> [Double] {
        let dimensions = max(1, dimensions)
        var sum = [Double](repeating: 0, count: dimensions)
        // Each distinct word's direction is drawn once, weighted by how often the word occurs:
        // drawing costs `dimensions` steps a word.
        var counts: [Substring: Int] = [:]
        for word in self.words(in: text) { counts[word, default: 0] += 1 }
        for (word, count) in counts.sorted(by: { $0.key < $1.key }) {
            var random = SeededRandom(seed: SeededRandom.hash(String(word)))
            let weight = Double(count)
            for index in 0..<dimensions {
                // Uniform in [-1, 1): random directions are nearly orthogonal in many dimensions.
                sum[index] += weight * Double(Int64(bitPattern: random.next())) / Double(Int64.max)
            }
        }
        if counts.isEmpty {
            // Text without words (empty, or only punctuation) still gets a stable unit vector.
            sum[0] = 1
        }
        let length = sum.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return sum.map { $0 / length }
    }

    private static func words(in text: String) -> [Substring] {
        let lowered = text.lowercased()
        return lowered.split { !($0.isLetter || $0.isNumber) }
    }
}
