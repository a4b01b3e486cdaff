import LyrebirdPluginAPI

/// Numbers a schema allows: picked near a preferred range within the schema's bounds and step,
/// and checked against `multipleOf`.
enum NumberChoice {
    /// A bound as `SchemaKeywords.lowerBound()` and `upperBound()` give it.
    typealias Bound = (value: Double, exclusive: Bool)

    /// Whether `value` is a multiple of `divisor` allowing for rounding: what the validator
    /// accepts, since `0.3` is a multiple of `0.1` to anyone reading the document.
    static func isMultiple(_ value: Double, of divisor: Double) -> Bool {
        let quotient = value / divisor
        guard quotient.isFinite else { return false }
        return abs(quotient - quotient.rounded()) <= 1e-9 * max(1, abs(quotient))
    }

    /// Whether `value` divided by `divisor` is whole with no rounding at all: what the generator
    /// writes, because stricter checkers (Python's `jsonschema`) divide in doubles and want no
    /// fraction.
    static func isExactMultiple(_ value: Double, of divisor: Double) -> Bool {
        let quotient = value / divisor
        return quotient.isFinite && quotient == quotient.rounded()
    }

    /// An integer within the bounds and a multiple of `step`, as near `preferred` as the bounds
    /// allow; `nil` when there is none.
    static func integer(
        lower: Bound?, upper: Bound?, multipleOf step: Double?, preferred: ClosedRange<Int64>, random: inout SeededRandom
    ) -> Int64? {
        guard let bounds = integerBounds(lower: lower, upper: upper) else { return nil }
        if let step, step >= 1, step == step.rounded(), step < 9e18 {
            let divisor = Int64(step)
            guard let steps = multiples(of: divisor, within: bounds, inward: true) else { return nil }
            // The multiples inside the preferred range, or the two around it when it holds none.
            let preferredSteps =
                multiples(of: divisor, within: preferred, inward: true) ?? multiples(of: divisor, within: preferred, inward: false)!
            return random.integer(in: narrowed(preferredSteps, to: steps)) * divisor
        }
        let range = narrowed(preferred, to: bounds)
        let start = random.integer(in: range)
        guard let step else { return start }
        // A fractional step: look for a whole number it divides, from a random start.
        var candidate = start
        for _ in 0..<256 {
            if isExactMultiple(Double(candidate), of: step) { return candidate }
            candidate = candidate == range.upperBound ? range.lowerBound : candidate + 1
        }
        return nil
    }

    /// A number within the bounds (and a multiple of `step`), as near `preferred` as the bounds
    /// allow, with two decimals when that fits; `nil` when none was found.
    static func number(
        lower: Bound?, upper: Bound?, multipleOf step: Double?, preferred: ClosedRange<Double>, random: inout SeededRandom
    ) -> Double? {
        let low = lower?.value ?? -.infinity
        let high = upper?.value ?? .infinity
        guard low <= high else { return nil }
        func allowed(_ value: Double) -> Bool {
            value.isFinite && (value > low || value == low && lower?.exclusive != true)
                && (value < high || value == high && upper?.exclusive != true)
        }
        let width = preferred.upperBound - preferred.lowerBound
        let target: ClosedRange<Double>
        if preferred.upperBound < low {
            target = low...min(high, low + width)
        } else if preferred.lowerBound > high {
            target = max(low, high - width)...high
        } else {
            target = max(low, preferred.lowerBound)...min(high, preferred.upperBound)
        }
        if let step {
            var first = (target.lowerBound / step).rounded(.up)
            var last = (target.upperBound / step).rounded(.down)
            if first > last {
                first = (low / step).rounded(.up)
                last = (high / step).rounded(.down)
            }
            guard first <= last, first.isFinite, last.isFinite, last - first < 9e18 else { return nil }
            let count = Int64(last - first)
            let start = random.integer(in: 0...count)
            for attempt in 0..<min(count + 1, 64) {
                let value = (first + Double((start + attempt) % (count + 1))) * step
                if allowed(value) && isExactMultiple(value, of: step) { return value }
            }
            return nil
        }
        let raw = target.lowerBound + random.unit() * (target.upperBound - target.lowerBound)
        // Two decimals read best; rounding may land on an exclusive bound, so the neighbours too.
        let cents = (raw * 100).rounded()
        let candidates = [cents / 100, (cents + 1) / 100, (cents - 1) / 100, raw, (target.lowerBound + target.upperBound) / 2]
        return candidates.first(where: allowed)
    }

    /// The whole numbers within the bounds, or `nil` when there are none.
    private static func integerBounds(lower: Bound?, upper: Bound?) -> ClosedRange<Int64>? {
        let limit = 9.2e18
        var low = Int64.min
        var high = Int64.max
        if let lower {
            let value = lower.exclusive ? lower.value.rounded(.down) + 1 : lower.value.rounded(.up)
            guard value <= limit else { return nil }
            if value > -limit { low = Int64(value) }
        }
        if let upper {
            let value = upper.exclusive ? upper.value.rounded(.up) - 1 : upper.value.rounded(.down)
            guard value >= -limit else { return nil }
            if value < limit { high = Int64(value) }
        }
        return low <= high ? low...high : nil
    }

    /// `preferred` where it meets `bounds`; when it does not, a range of its width at the near
    /// end of `bounds`.
    private static func narrowed(_ preferred: ClosedRange<Int64>, to bounds: ClosedRange<Int64>) -> ClosedRange<Int64> {
        let width = preferred.upperBound - preferred.lowerBound
        if preferred.upperBound < bounds.lowerBound {
            let (end, overflow) = bounds.lowerBound.addingReportingOverflow(width)
            return bounds.lowerBound...(overflow ? bounds.upperBound : min(end, bounds.upperBound))
        }
        if preferred.lowerBound > bounds.upperBound {
            let (start, overflow) = bounds.upperBound.subtractingReportingOverflow(width)
            return (overflow ? bounds.lowerBound : max(start, bounds.lowerBound))...bounds.upperBound
        }
        return max(preferred.lowerBound, bounds.lowerBound)...min(preferred.upperBound, bounds.upperBound)
    }

    /// The factors `k` for which `k * divisor` lies in `range` (`inward`), or the smallest
    /// range of them whose multiples enclose it; `nil` when there are none.
    private static func multiples(of divisor: Int64, within range: ClosedRange<Int64>, inward: Bool) -> ClosedRange<Int64>? {
        let first = divide(range.lowerBound, by: divisor, roundingUp: inward)
        let last = divide(range.upperBound, by: divisor, roundingUp: !inward)
        return first <= last ? first...last : nil
    }

    /// `value / divisor` rounded up or down to a whole number; `divisor` is positive.
    private static func divide(_ value: Int64, by divisor: Int64, roundingUp: Bool) -> Int64 {
        let quotient = value / divisor
        guard value % divisor != 0 else { return quotient }
        if roundingUp { return value > 0 ? quotient + 1 : quotient }
        return value < 0 ? quotient - 1 : quotient
    }
}
