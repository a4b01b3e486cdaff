import LyrebirdPluginAPI

/// The keywords of one schema object, read with the types JSON Schema gives them.
///
/// A keyword whose value has the wrong type makes the schema invalid rather than being ignored,
/// so that a client whose schema says `"minLength": "3"` hears about it.
struct SchemaKeywords: Sendable {
    var members: [String: JSONValue]

    init(_ members: [String: JSONValue] = [:]) {
        self.members = members
    }

    subscript(name: String) -> JSONValue? {
        get { members[name] }
        set { members[name] = newValue }
    }

    /// The keywords as a schema again.
    var schema: JSONValue { .object(members) }

    /// A non-negative integer keyword such as `minLength`.
    func count(_ name: String) throws(StructuredOutputError) -> Int? {
        guard let value = members[name] else { return nil }
        guard let count = value.intValue, count >= 0 else { throw Self.wrongType(name, "a non-negative integer", value) }
        return count
    }

    /// A number keyword such as `minimum`.
    func number(_ name: String) throws(StructuredOutputError) -> Double? {
        guard let value = members[name] else { return nil }
        guard let number = value.doubleValue else { throw Self.wrongType(name, "a number", value) }
        return number
    }

    func string(_ name: String) throws(StructuredOutputError) -> String? {
        guard let value = members[name] else { return nil }
        guard let string = value.stringValue else { throw Self.wrongType(name, "a string", value) }
        return string
    }

    func bool(_ name: String) throws(StructuredOutputError) -> Bool? {
        guard let value = members[name] else { return nil }
        guard let bool = value.boolValue else { throw Self.wrongType(name, "a boolean", value) }
        return bool
    }

    /// A list of strings such as `required`.
    func strings(_ name: String) throws(StructuredOutputError) -> [String]? {
        guard let value = members[name] else { return nil }
        guard let elements = value.arrayValue else { throw Self.wrongType(name, "an array of strings", value) }
        var strings: [String] = []
        for element in elements {
            guard let string = element.stringValue else { throw Self.wrongType(name, "an array of strings", value) }
            strings.append(string)
        }
        return strings
    }

    /// A list of values such as `enum`.
    func values(_ name: String) throws(StructuredOutputError) -> [JSONValue]? {
        guard let value = members[name] else { return nil }
        guard let elements = value.arrayValue else { throw Self.wrongType(name, "an array", value) }
        return elements
    }

    /// A list of schemas such as `anyOf`.
    func schemas(_ name: String) throws(StructuredOutputError) -> [JSONValue]? {
        guard let value = members[name] else { return nil }
        guard let elements = value.arrayValue, elements.allSatisfy(Self.isSchema) else {
            throw Self.wrongType(name, "an array of schemas", value)
        }
        return elements
    }

    /// A map from names to schemas such as `properties`.
    func schemaMap(_ name: String) throws(StructuredOutputError) -> [String: JSONValue]? {
        guard let value = members[name] else { return nil }
        guard let map = value.objectValue, map.values.allSatisfy(Self.isSchema) else {
            throw Self.wrongType(name, "an object whose members are schemas", value)
        }
        return map
    }

    /// One schema such as `items`.
    func schema(_ name: String) throws(StructuredOutputError) -> JSONValue? {
        guard let value = members[name] else { return nil }
        guard Self.isSchema(value) else { throw Self.wrongType(name, "a schema (an object or a boolean)", value) }
        return value
    }

    /// The types `type` allows, with `null` added by OpenAPI's `nullable: true`; `nil` when
    /// `type` is absent.
    func types() throws(StructuredOutputError) -> [JSONType]? {
        guard let value = members["type"] else { return nil }
        let names: [JSONValue]
        switch value {
        case .string: names = [value]
        case .array(let elements): names = elements
        default: throw Self.wrongType("type", "a type name or an array of them", value)
        }
        var types: [JSONType] = []
        for name in names {
            guard let type = name.stringValue.flatMap(JSONType.init(rawValue:)) else {
                throw .invalidSchema("keyword \"type\" names \(name.serialized), which is not a JSON Schema type")
            }
            if !types.contains(type) { types.append(type) }
        }
        if try bool("nullable") == true, !types.contains(.null) { types.append(.null) }
        return types
    }

    /// The schemas of the first items: `prefixItems`, or `items` in its older array form.
    func prefixItems() throws(StructuredOutputError) -> [JSONValue] {
        if let prefix = try schemas("prefixItems") { return prefix }
        if case .array = members["items"] { return try schemas("items") ?? [] }
        return []
    }

    /// The schema of the items after the prefix: `items`, or `additionalItems` when `items` is
    /// in its older array form; `nil` when any item is allowed.
    func laterItems() throws(StructuredOutputError) -> JSONValue? {
        if case .array = members["items"] { return try schema("additionalItems") }
        return try schema("items")
    }

    /// The lower bound of a number: `minimum`, `exclusiveMinimum` as a number, or `minimum` made
    /// exclusive by the older `exclusiveMinimum: true`, whichever is tightest.
    func lowerBound() throws(StructuredOutputError) -> (value: Double, exclusive: Bool)? {
        try bound(inclusive: "minimum", exclusive: "exclusiveMinimum", tighter: >)
    }

    /// The upper bound of a number, read like `lowerBound()`.
    func upperBound() throws(StructuredOutputError) -> (value: Double, exclusive: Bool)? {
        try bound(inclusive: "maximum", exclusive: "exclusiveMaximum", tighter: <)
    }

    private func bound(
        inclusive: String, exclusive: String, tighter: (Double, Double) -> Bool
    ) throws(StructuredOutputError) -> (value: Double, exclusive: Bool)? {
        var result = try number(inclusive).map { (value: $0, exclusive: false) }
        switch members[exclusive] {
        case nil, .bool(false): break
        case .bool(true): result?.exclusive = true
        case let value?:
            guard let limit = value.doubleValue else { throw Self.wrongType(exclusive, "a number", value) }
            if let current = result, !tighter(limit, current.value) && limit != current.value { break }
            result = (limit, true)
        }
        return result
    }

    private static func isSchema(_ value: JSONValue) -> Bool {
        switch value {
        case .object, .bool: return true
        default: return false
        }
    }

    private static func wrongType(_ name: String, _ expected: String, _ value: JSONValue) -> StructuredOutputError {
        .invalidSchema("keyword \(name.debugDescription) must be \(expected), not \(value.typeName)")
    }
}
