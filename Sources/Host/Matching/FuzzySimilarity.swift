/// Similarity of two texts as 1 − (Levenshtein distance ÷ length of the longer text), computed
/// on lower-cased, whitespace-collapsed text. 1 means equal, 0 means nothing in common.
public enum FuzzySimilarity {
    /// The most characters of each text that ranking near misses compares: ranking only orders
    /// fixtures, and a whole long request would cost its length times the fixture's.
    static let rankingLimit = 1_000

    /// The similarity ratio of `lhs` and `rhs`, from 0 to 1.
    public static func ratio(_ lhs: String, _ rhs: String) -> Double {
        ratio(normalized(lhs), normalized(rhs))
    }

    /// The similarity ratio of two normalised texts.
    static func ratio(_ left: [Character], _ right: [Character]) -> Double {
        let longest = max(left.count, right.count)
        if longest == 0 { return 1 }
        return 1 - Double(distance(left, right, limit: longest) ?? longest) / Double(longest)
    }

    /// The similarity ratio of the first `rankingLimit` characters of each normalised text.
    static func rankingRatio(_ left: [Character], _ right: [Character]) -> Double {
        ratio(Array(left.prefix(rankingLimit)), Array(right.prefix(rankingLimit)))
    }

    /// Whether the similarity ratio of two normalised texts is at least `threshold`. Costs the
    /// shorter length times the distance the threshold allows, and nothing when the lengths
    /// alone differ by more.
    static func isSimilar(_ left: [Character], _ right: [Character], threshold: Double) -> Bool {
        let longest = max(left.count, right.count)
        if longest == 0 { return 1 >= threshold }
        // The largest distance that still passes, by the same arithmetic as `ratio`.
        func passes(_ distance: Int) -> Bool { 1 - Double(distance) / Double(longest) >= threshold }
        var allowed = min(max(Int(((1 - threshold) * Double(longest)).rounded(.down)), -1), longest)
        while allowed < longest && passes(allowed + 1) { allowed += 1 }
        while allowed >= 0 && !passes(allowed) { allowed -= 1 }
        return allowed >= 0 && distance(left, right, limit: allowed) != nil
    }

    /// `text` lower-cased, with each run of whitespace one space and none at either end.
    static func normalized(_ text: String) -> [Character] {
        Array(text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " "))
    }

    /// The Levenshtein distance of `first` and `second` when it is at most `limit`, else `nil`.
    /// Only cells within `limit` of the diagonal can lie on a path that cheap, so each row
    /// computes those alone (Ukkonen's band).
    private static func distance(_ first: [Character], _ second: [Character], limit: Int) -> Int? {
        let (left, right) = first.count <= second.count ? (first, second) : (second, first)
        guard right.count - left.count <= limit else { return nil }
        if left.isEmpty { return right.count }
        let beyond = limit + 1
        // Cells outside the band read as `beyond`: no row writes past its band, and the one
        // cell left of the band is reset before each row.
        var previous = [Int](repeating: beyond, count: right.count + 1)
        var current = previous
        for column in 0...min(right.count, limit) { previous[column] = column }
        for row in 1...left.count {
            let low = max(1, row - limit)
            let high = min(right.count, row + limit)
            current[low - 1] = low == 1 ? row : beyond
            var rowMinimum = current[low - 1]
            if low <= high {
                for column in low...high {
                    let substitution = previous[column - 1] + (left[row - 1] == right[column - 1] ? 0 : 1)
                    let cell = min(previous[column] + 1, current[column - 1] + 1, substitution)
                    current[column] = cell
                    rowMinimum = min(rowMinimum, cell)
                }
            }
            if rowMinimum > limit { return nil }
            swap(&previous, &current)
        }
        let result = previous[right.count]
        return result <= limit ? result : nil
    }
}
