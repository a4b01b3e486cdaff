import LyrebirdPluginAPI

/// A part of a request that conditions compare as a number.
public enum NumberField: Hashable, Sendable {
    /// How many assistant turns the conversation holds so far (0 for its first request).
    case turn
    /// The number at a path in the request body; a value that is not a number fails the test.
    case body(JSONPath)

    /// The number of this part of `request`, if it has one.
    func value(of request: CanonicalRequest) -> Double? {
        switch self {
        case .turn: return Double(request.messages.lazy.filter { $0.role == .assistant }.count)
        case .body(let path):
            guard let value = path.value(in: request.body), value.boolValue == nil else { return nil }
            return value.doubleValue
        }
    }

    var name: String {
        switch self {
        case .turn: return "turn"
        case .body(let path): return "body \(path.source)"
        }
    }
}

/// A comparison with a fixed number: `lt`, `lte`, `gt`, `gte` or `eq`.
public struct NumberTest: Hashable, Sendable {
    /// How the number is compared.
    public enum Comparison: String, Hashable, Sendable, CaseIterable {
        case lessThan = "lt"
        case atMost = "lte"
        case greaterThan = "gt"
        case atLeast = "gte"
        case equal = "eq"
    }

    public var comparison: Comparison
    public var value: Double

    public init(_ comparison: Comparison, _ value: Double) {
        self.comparison = comparison
        self.value = value
    }

    public func passes(_ number: Double) -> Bool {
        switch comparison {
        case .lessThan: return number < value
        case .atMost: return number <= value
        case .greaterThan: return number > value
        case .atLeast: return number >= value
        case .equal: return number == value
        }
    }

    var summary: String {
        let shown = value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        return "\(comparison.rawValue) \(shown)"
    }
}
