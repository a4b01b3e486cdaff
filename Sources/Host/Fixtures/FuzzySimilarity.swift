/// Similarity of two texts as 1 − (Levenshtein distance ÷ length of the longer text), computed
/// on lower-cased, whitespace-collapsed text. 1 means equal, 0 means nothing in common.
public enum FuzzySimilarity {
    /// The similarity ratio of `lhs` and `rhs`, from 0 to 1.
    public static func ratio(_ lhs: String, _ rhs: String) -> Double {
        let left = normalized(lhs)
        let right = normalized(rhs)
        let longest = max(left.count, right.count)
        if longest == 0 { return 1 }
        return 1 - Double(distance(left, right)) / Double(longest)
    }

    private static func normalized(_ text: String) -> [Character] {
        Array(text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " "))
    }

    private static func distance(_ left: [Character], _ right: [Character]) -> Int {
        if left.isEmpty { return right.count }
        if right.isEmpty { return left.count }
        var previous = Array(0...right.count)
        var current = [Int](repeating: 0, count: right.count + 1)
        for i in 1...left.count {
            current[0] = i
            for j in 1...right.count {
                let substitution = previous[j - 1] + (left[i - 1] == right[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[right.count]
    }
}
