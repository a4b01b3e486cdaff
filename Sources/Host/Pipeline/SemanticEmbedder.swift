import LyrebirdPluginAPI

/// Deterministic embedding vectors that carry a little meaning, for embedding requests no
/// fixture pins: texts that share words point in similar directions, texts that share none are
/// nearly orthogonal, so a retrieval test's top-k and thresholds behave sensibly.
///
/// Each word (a lower-cased run of letters and digits) gets a pseudo-random direction seeded by
/// its hash; a text's vector is the sum of its words' directions, normalised to unit length as
/// the real models' are. Asking for fewer dimensions keeps the first ones and normalises again,
/// as the real API's `dimensions` does.
///
/// A direction is dense in its first `denseDimensions` numbers and sparse after them: one
/// number in each block of `blockSize`, four times as large, so that every number varies as
/// much as a dense one and random directions stay nearly orthogonal. Drawing a word then costs
/// about a sixteenth of its dimensions: a request of 300,000 distinct words at 8,192 dimensions
/// took nine seconds of a core when every number was drawn.
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
            for index in 0..<min(dimensions, denseDimensions) {
                sum[index] += weight * signedUnit(&random)
            }
            var block = denseDimensions
            while block < dimensions {
                let index = block + Int(random.next() % UInt64(blockSize))
                let value = weight * 4 * signedUnit(&random)
                if index < dimensions { sum[index] += value }
                block += blockSize
            }
        }
        if counts.isEmpty {
            // Text without words (empty, or only punctuation) still gets a stable unit vector.
            sum[0] = 1
        }
        let length = sum.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return sum.map { $0 / length }
    }

    /// Numbers every word draws.
    private static let denseDimensions = 64
    /// After the dense numbers, a word draws one number in each block of this many.
    private static let blockSize = 16

    /// Uniform in [-1, 1): random directions are nearly orthogonal in many dimensions.
    private static func signedUnit(_ random: inout SeededRandom) -> Double {
        Double(Int64(bitPattern: random.next())) / Double(Int64.max)
    }

    private static func words(in text: String) -> [Substring] {
        let lowered = text.lowercased()
        return lowered.split { !($0.isLetter || $0.isNumber) }
    }
}
