import LyrebirdPluginAPI

extension SeededRandom {
    /// An index in `0..<count`; `count` must be positive.
    mutating func index(below count: Int) -> Int {
        Int(next() % UInt64(count))
    }

    /// One of `elements`, which must not be empty.
    mutating func element<Element>(of elements: [Element]) -> Element {
        elements[index(below: elements.count)]
    }

    /// An integer in `range`, whatever its width.
    mutating func integer(in range: ClosedRange<Int64>) -> Int64 {
        let width = UInt64(bitPattern: range.upperBound &- range.lowerBound)
        let offset = width == .max ? next() : next() % (width + 1)
        return range.lowerBound &+ Int64(bitPattern: offset)
    }
}
