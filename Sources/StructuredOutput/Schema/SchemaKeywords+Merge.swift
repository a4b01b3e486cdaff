import LyrebirdPluginAPI

extension SchemaKeywords {
    /// These keywords with OpenAPI's `nullable` folded into `type`, and the older boolean
    /// `exclusiveMinimum`/`exclusiveMaximum` into numbers, so that merging compares like with like.
    func normalized() throws(StructuredOutputError) -> SchemaKeywords {
        var result = self
        if members["nullable"] != nil, let types = try types() {
            result["type"] = .array(types.map { .string($0.rawValue) })
            result["nullable"] = nil
        }
        for (inclusive, exclusive) in [("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")] {
            switch result[exclusive] {
            case .bool(true):
                result[exclusive] = result[inclusive]
                result[inclusive] = nil
            case .bool(false):
                result[exclusive] = nil
            default:
                break
            }
        }
        return result
    }

    /// The keywords of a schema that holds when both `self` and `other` hold, as far as the
    /// generator needs them: bounds are tightened, `type` and `enum` intersected, `required`
    /// joined, and schemas that apply to the same place (a property, the items) combined with
    /// `allOf`. Where two keywords cannot be combined (two different patterns), `self`'s is kept
    /// and the check of the finished document reports what it missed.
    ///
    /// - Throws: `.unsatisfiable` when the two cannot both hold (no common type, no common
    ///   `enum` value, two different `const` values); `.limitExceeded` when intersecting `enum`s
    ///   or joining `required` lists costs more than `budget` has left.
    func merged(with other: SchemaKeywords, at pointer: String, budget: WorkBudget) throws(StructuredOutputError) -> SchemaKeywords {
        var result = self
        for (name, value) in other.members {
            guard let existing = result[name] else {
                result[name] = value
                continue
            }
            result[name] = try Self.merge(name, existing, value, at: pointer, budget: budget)
        }
        return result
    }

    private static func merge(
        _ name: String, _ first: JSONValue, _ second: JSONValue, at pointer: String, budget: WorkBudget
    ) throws(StructuredOutputError) -> JSONValue {
        switch name {
        case "type":
            let types = try intersection(SchemaKeywords(["type": first]).types() ?? [], SchemaKeywords(["type": second]).types() ?? [])
            guard !types.isEmpty else {
                throw .unsatisfiable(
                    at: pointer, "the schemas of allOf allow no common type (\(first.serialized) and \(second.serialized))")
            }
            return .array(types.map { .string($0.rawValue) })
        case "properties", "patternProperties":
            guard case .object(var members) = first, case .object(let others) = second else { return first }
            for (key, schema) in others { members[key] = members[key].map { both($0, schema) } ?? schema }
            return .object(members)
        case "additionalProperties", "items", "additionalItems", "propertyNames":
            return both(first, second)
        case "prefixItems":
            guard case .array(let left) = first, case .array(let right) = second else { return first }
            let common = zip(left, right).map { both($0, $1) }
            return .array(common + (left.count > right.count ? left.dropFirst(right.count) : right.dropFirst(left.count)))
        case "required":
            guard case .array(let left) = first, case .array(let right) = second else { return first }
            // Hashed, so that two long lists cost their lengths, not their product.
            try budget.spend(operations: left.count + right.count)
            let known = Set(left)
            return .array(left + right.filter { !known.contains($0) })
        case "enum":
            guard case .array(let left) = first, case .array(let right) = second else { return first }
            let others = try SchemaValueSet(right, budget: budget)
            var common: [JSONValue] = []
            for value in left where try others.contains(value, budget: budget) { common.append(value) }
            guard !common.isEmpty else { throw .unsatisfiable(at: pointer, "the enums of allOf have no value in common") }
            return .array(common)
        case "const":
            guard first.isSchemaEqual(to: second) else {
                throw .unsatisfiable(at: pointer, "allOf requires both \(first.serialized) and \(second.serialized)")
            }
            return first
        case "minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties":
            return (second.doubleValue ?? -.infinity) > (first.doubleValue ?? -.infinity) ? second : first
        case "maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties":
            return (second.doubleValue ?? .infinity) < (first.doubleValue ?? .infinity) ? second : first
        case "uniqueItems":
            return .bool(first.boolValue == true || second.boolValue == true)
        case "multipleOf":
            guard let left = first.doubleValue, let right = second.doubleValue else { return first }
            if NumberChoice.isMultiple(left, of: right) { return first }
            if NumberChoice.isMultiple(right, of: left) { return second }
            return .number(left * right)
        case "anyOf", "oneOf":
            // Each alternative of the first list must also satisfy one of the second.
            guard case .array(let alternatives) = first else { return first }
            return .array(alternatives.map { both($0, .object([name: second])) })
        default:
            return first
        }
    }

    private static func both(_ first: JSONValue, _ second: JSONValue) -> JSONValue {
        .object(["allOf": [first, second]])
    }

    private static func intersection(_ first: [JSONType], _ second: [JSONType]) -> [JSONType] {
        var common: [JSONType] = []
        for type in first {
            let shared: JSONType?
            if second.contains(type) {
                shared = type
            } else if type == .number && second.contains(.integer) || type == .integer && second.contains(.number) {
                shared = .integer
            } else {
                shared = nil
            }
            if let shared, !common.contains(shared) { common.append(shared) }
        }
        return common
    }
}
