import LyrebirdPluginAPI

extension JSONValue {
    /// Whether two values are equal as JSON Schema compares them for `enum`, `const` and
    /// `uniqueItems`: numbers by value (`1` equals `1.0`), arrays element by element, objects
    /// member by member.
    func isSchemaEqual(to other: JSONValue) -> Bool {
        switch (self, other) {
        case (.array(let left), .array(let right)):
            return left.count == right.count && zip(left, right).allSatisfy { $0.isSchemaEqual(to: $1) }
        case (.object(let left), .object(let right)):
            return left.count == right.count
                && left.allSatisfy { name, value in right[name].map { value.isSchemaEqual(to: $0) } ?? false }
        case (.integer, .number), (.number, .integer):
            return doubleValue == other.doubleValue
        default:
            return self == other
        }
    }
}
