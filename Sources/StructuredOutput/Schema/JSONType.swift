import LyrebirdPluginAPI

/// The seven JSON types a schema's `type` keyword names.
enum JSONType: String, Sendable, CaseIterable {
    case null, boolean, object, array, number, integer, string

    /// Whether `value` has this type. An integer is also a number, and a number without a
    /// fraction is also an integer, as JSON Schema counts them.
    func admits(_ value: JSONValue) -> Bool {
        switch (self, value) {
        case (.null, .null), (.boolean, .bool), (.object, .object), (.array, .array), (.string, .string): return true
        case (.number, .integer), (.number, .number), (.integer, .integer): return true
        case (.integer, .number(let number)): return number.isFinite && number == number.rounded()
        default: return false
        }
    }

    /// Whether this type is an array or an object.
    var isContainer: Bool { self == .array || self == .object }
}
