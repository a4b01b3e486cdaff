import LyrebirdPluginAPI

/// Checks a JSON document against a JSON Schema and reports the first few problems, each with
/// the JSON Pointer of the value at fault.
///
/// It reads `$ref` (into the schema itself), `type` (and OpenAPI's `nullable`), `enum`,
/// `const`, the string keywords `minLength`, `maxLength`, `pattern` and `format` (see
/// `StringFormat`), the number keywords `minimum`, `maximum`, `exclusiveMinimum`,
/// `exclusiveMaximum` (numbers or the older booleans) and `multipleOf`, the array keywords
/// `items`, `prefixItems`, `additionalItems`, `minItems`, `maxItems` and `uniqueItems`, the
/// object keywords `properties`, `required`, `additionalProperties`, `patternProperties`,
/// `propertyNames`, `minProperties` and `maxProperties`, and `allOf`, `anyOf`, `oneOf`, `not`
/// and `if`/`then`/`else`. Other keywords are ignored, as JSON Schema ignores unknown ones.
package struct JSONSchemaValidator {
    let document: SchemaDocument
    let limits: StructuredOutputLimits
    /// Shared with a generator that checks its choices, so that both stop at one limit.
    let budget: WorkBudget
    /// Patterns parsed so far: each is parsed once per document.
    private var patterns: [String: Result<SchemaPattern, PatternError>] = [:]
    /// The `enum` lists hashed so far, by the address of their storage, so that a list is hashed
    /// once per document however many values are checked against it. Each entry holds its list,
    /// so no other list can take that address while the entry stays.
    private var enumSets: [Int: (set: SchemaValueSet, list: [JSONValue])] = [:]

    /// The most `enum` lists kept hashed: lists merged from `allOf` are new for every value the
    /// generator makes, and must not pile up.
    static let maximumEnumSets = 64

    package init(schema: JSONValue, limits: StructuredOutputLimits = .standard, budget: WorkBudget? = nil) {
        document = SchemaDocument(root: schema)
        self.limits = limits
        self.budget = budget ?? WorkBudget(steps: limits.maximumSteps, operations: limits.maximumOperations)
    }

    /// The first problems of `instance` against the whole schema, at most
    /// `limits.maximumProblems`; none when it is valid.
    ///
    /// - Throws: `.invalidSchema` when the schema cannot be read, `.limitExceeded` when checking
    ///   would take more work than the limits allow.
    package mutating func problems(of instance: JSONValue) throws(StructuredOutputError) -> [SchemaViolation] {
        var found: [SchemaViolation] = []
        try check(instance, against: document.root, at: "", nesting: 0, referencesHere: [], limit: limits.maximumProblems, into: &found)
        // One schema can add several problems at once (every missing required property).
        return Array(found.prefix(limits.maximumProblems))
    }

    /// Whether `instance`, found at `pointer`, satisfies `schema`, a part of the document.
    mutating func accepts(_ instance: JSONValue, _ schema: JSONValue, at pointer: String) throws(StructuredOutputError) -> Bool {
        try violations(of: instance, against: schema, at: pointer, nesting: 0, referencesHere: []).isEmpty
    }

    /// The parsed pattern `source`, or why it cannot be used.
    ///
    /// - Throws: `.limitExceeded` when compiling it takes more operations than the budget has
    ///   left: a schema may list many patterns of 20,000 instructions each.
    mutating func pattern(_ source: String) throws(StructuredOutputError) -> Result<SchemaPattern, PatternError> {
        if let known = patterns[source] { return known }
        let parsed = Result { () throws(PatternError) in try SchemaPattern(source) }
        patterns[source] = parsed
        try budget.spend(operations: 1 + source.utf8.count / 64 + ((try? parsed.get())?.size ?? 0))
        return parsed
    }

    /// Whether `values`, an `enum`, holds a value equal to `value`.
    private mutating func isListed(_ value: JSONValue, in values: [JSONValue]) throws(StructuredOutputError) -> Bool {
        guard let address = values.withUnsafeBufferPointer({ $0.baseAddress }) else { return false }
        let key = Int(bitPattern: address)
        if let known = enumSets[key] { return try known.set.contains(value, budget: budget) }
        let set = try SchemaValueSet(values, budget: budget)
        if enumSets.count >= Self.maximumEnumSets { enumSets.removeAll() }
        enumSets[key] = (set, values)
        return try set.contains(value, budget: budget)
    }

    /// The first problem of `instance` against `schema` (none or one), for combinators.
    private mutating func violations(
        of instance: JSONValue, against schema: JSONValue, at pointer: String, nesting: Int, referencesHere: [String]
    ) throws(StructuredOutputError) -> [SchemaViolation] {
        var found: [SchemaViolation] = []
        try check(instance, against: schema, at: pointer, nesting: nesting, referencesHere: referencesHere, limit: 1, into: &found)
        return found
    }

    /// Adds the problems of `value` against `schema` to `found`, until it holds `limit`.
    ///
    /// - Parameter referencesHere: the `$ref`s followed since the last step into a member or an
    ///   item; meeting one again means a cycle that would never end.
    private mutating func check(
        _ value: JSONValue, against schema: JSONValue, at pointer: String, nesting: Int, referencesHere: [String], limit: Int,
        into found: inout [SchemaViolation]
    ) throws(StructuredOutputError) {
        guard found.count < limit else { return }
        try budget.spend()
        guard nesting <= limits.maximumNesting else {
            throw .limitExceeded("the schema nests more than \(limits.maximumNesting) levels deep")
        }
        let keywords: SchemaKeywords
        switch schema {
        case .bool(true): return
        case .bool(false):
            found.append(SchemaViolation(pointer: pointer, message: "no value is allowed here (the schema is false)"))
            return
        case .object(let members): keywords = SchemaKeywords(members)
        default: throw .invalidSchema("a schema must be an object or a boolean, not \(schema.typeName)")
        }

        if let reference = try keywords.string("$ref") {
            guard !referencesHere.contains(reference) else {
                throw .invalidSchema("$ref \(reference.debugDescription) leads back to itself without any value in between")
            }
            try check(
                value, against: try document.resolve(reference), at: pointer, nesting: nesting + 1,
                referencesHere: referencesHere + [reference], limit: limit, into: &found)
        }
        if let types = try keywords.types(), !types.contains(where: { $0.admits(value) }) {
            let names = types.map(\.rawValue).joined(separator: " or ")
            found.append(SchemaViolation(pointer: pointer, message: "expected \(names), found \(value.typeName)"))
            return
        }
        if let values = try keywords.values("enum"), try !isListed(value, in: values) {
            let listed = values.prefix(5).map(\.serialized).joined(separator: ", ") + (values.count > 5 ? ", ..." : "")
            found.append(SchemaViolation(pointer: pointer, message: "\(Self.preview(value)) is not one of the enum values [\(listed)]"))
        }
        if let constant = keywords["const"], try spendComparison(constant), !constant.isSchemaEqual(to: value) {
            found.append(
                SchemaViolation(pointer: pointer, message: "expected the const \(Self.preview(constant)), found \(Self.preview(value))"))
        }
        switch value {
        case .string(let text): try checkString(text, keywords, at: pointer, into: &found)
        case .integer, .number: try checkNumber(value, keywords, at: pointer, into: &found)
        case .array(let elements):
            try checkArray(elements, keywords, at: pointer, nesting: nesting, limit: limit, into: &found)
        case .object(let members):
            try checkObject(members, keywords, at: pointer, nesting: nesting, limit: limit, into: &found)
        case .null, .bool: break
        }
        try checkCombinators(value, keywords, at: pointer, nesting: nesting, referencesHere: referencesHere, limit: limit, into: &found)
    }

    private mutating func checkString(
        _ text: String, _ keywords: SchemaKeywords, at pointer: String, into found: inout [SchemaViolation]
    ) throws(StructuredOutputError) {
        let length = text.unicodeScalars.count
        if let minimum = try keywords.count("minLength"), length < minimum {
            found.append(SchemaViolation(pointer: pointer, message: "has \(length) characters, fewer than minLength \(minimum)"))
        }
        if let maximum = try keywords.count("maxLength"), length > maximum {
            found.append(SchemaViolation(pointer: pointer, message: "has \(length) characters, more than maxLength \(maximum)"))
        }
        if let source = try keywords.string("pattern") {
            switch try pattern(source) {
            case .success(let pattern) where try !pattern.matches(text, budget: budget):
                found.append(SchemaViolation(pointer: pointer, message: "does not match the pattern \(source.debugDescription)"))
            case .failure(let error):
                found.append(
                    SchemaViolation(pointer: pointer, message: "cannot be checked against the pattern \(source.debugDescription): \(error)")
                )
            case .success:
                break
            }
        }
        if let name = try keywords.string("format"), let format = StringFormat(rawValue: name), !format.accepts(text) {
            found.append(SchemaViolation(pointer: pointer, message: "\(Self.preview(.string(text))) is not a valid \(name)"))
        }
    }

    private func checkNumber(
        _ value: JSONValue, _ keywords: SchemaKeywords, at pointer: String, into found: inout [SchemaViolation]
    ) throws(StructuredOutputError) {
        guard let number = value.doubleValue else { return }
        if let bound = try keywords.lowerBound(), bound.exclusive ? number <= bound.value : number < bound.value {
            let limit = bound.exclusive ? "greater than" : "at least"
            found.append(SchemaViolation(pointer: pointer, message: "\(value.serialized) is not \(limit) \(Self.format(bound.value))"))
        }
        if let bound = try keywords.upperBound(), bound.exclusive ? number >= bound.value : number > bound.value {
            let limit = bound.exclusive ? "less than" : "at most"
            found.append(SchemaViolation(pointer: pointer, message: "\(value.serialized) is not \(limit) \(Self.format(bound.value))"))
        }
        if let divisor = try keywords.number("multipleOf") {
            guard divisor > 0 else { throw .invalidSchema("keyword \"multipleOf\" must be greater than 0") }
            if !NumberChoice.isMultiple(number, of: divisor) {
                found.append(SchemaViolation(pointer: pointer, message: "\(value.serialized) is not a multiple of \(Self.format(divisor))"))
            }
        }
    }

    private mutating func checkArray(
        _ elements: [JSONValue], _ keywords: SchemaKeywords, at pointer: String, nesting: Int, limit: Int,
        into found: inout [SchemaViolation]
    ) throws(StructuredOutputError) {
        if let minimum = try keywords.count("minItems"), elements.count < minimum {
            found.append(SchemaViolation(pointer: pointer, message: "has \(elements.count) items, fewer than minItems \(minimum)"))
        }
        if let maximum = try keywords.count("maxItems"), elements.count > maximum {
            found.append(SchemaViolation(pointer: pointer, message: "has \(elements.count) items, more than maxItems \(maximum)"))
        }
        let prefix = try keywords.prefixItems()
        let later = try keywords.laterItems()
        for (index, element) in elements.enumerated() {
            guard let schema = index < prefix.count ? prefix[index] : later else { continue }
            try check(
                element, against: schema, at: JSONPointer.appending(index, to: pointer), nesting: nesting + 1, referencesHere: [],
                limit: limit, into: &found)
        }
        if try keywords.bool("uniqueItems") == true {
            // One pass, each item looked for among those before it: the first repeated item is
            // reported with the first item it repeats.
            var earlier = SchemaValueSet()
            for (index, element) in elements.enumerated() {
                if let first = try earlier.insert(element, budget: budget) {
                    found.append(SchemaViolation(pointer: pointer, message: "items \(first) and \(index) are equal (uniqueItems)"))
                    break
                }
            }
        }
    }

    private mutating func checkObject(
        _ members: [String: JSONValue], _ keywords: SchemaKeywords, at pointer: String, nesting: Int, limit: Int,
        into found: inout [SchemaViolation]
    ) throws(StructuredOutputError) {
        // Lists are read whole at every visit, so their length is charged; the problems past the
        // limit would not be reported.
        let required = try keywords.strings("required") ?? []
        try budget.spend(operations: required.count)
        for name in required where members[name] == nil {
            found.append(SchemaViolation(pointer: pointer, message: "the required property \(name.debugDescription) is missing"))
            if found.count >= limit { break }
        }
        if let minimum = try keywords.count("minProperties"), members.count < minimum {
            found.append(SchemaViolation(pointer: pointer, message: "has \(members.count) properties, fewer than minProperties \(minimum)"))
        }
        if let maximum = try keywords.count("maxProperties"), members.count > maximum {
            found.append(SchemaViolation(pointer: pointer, message: "has \(members.count) properties, more than maxProperties \(maximum)"))
        }
        let properties = try keywords.schemaMap("properties") ?? [:]
        try budget.spend(operations: properties.count)
        // Patterns in the map's own order: only those a name matches are sorted, so an object
        // does not cost a sort of every pattern. Each test is charged to the budget.
        var patternProperties: [(source: String, pattern: SchemaPattern, schema: JSONValue)] = []
        var unusable: [(source: String, error: PatternError)] = []
        let patternMap = try keywords.schemaMap("patternProperties") ?? [:]
        try budget.spend(operations: patternMap.count)
        for (source, schema) in patternMap {
            switch try pattern(source) {
            case .success(let pattern): patternProperties.append((source, pattern, schema))
            case .failure(let error): unusable.append((source, error))
            }
        }
        for (source, error) in unusable.sorted(by: { $0.source < $1.source }) {
            found.append(
                SchemaViolation(
                    pointer: pointer, message: "cannot be checked against patternProperties \(source.debugDescription): \(error)"))
        }
        let additional = try keywords.schema("additionalProperties")
        let names = try keywords.schema("propertyNames")
        for (name, member) in members.sorted(by: { $0.key < $1.key }) {
            let location = JSONPointer.appending(name, to: pointer)
            var schemas: [JSONValue] = []
            if let schema = properties[name] { schemas.append(schema) }
            if !patternProperties.isEmpty {
                let scalars = Array(name.unicodeScalars)
                var matched: [(source: String, schema: JSONValue)] = []
                for entry in patternProperties where try entry.pattern.matches(scalars, budget: budget) {
                    matched.append((entry.source, entry.schema))
                }
                schemas += matched.sorted { $0.source < $1.source }.map(\.schema)
            }
            if schemas.isEmpty, let additional {
                if additional == .bool(false) {
                    found.append(SchemaViolation(pointer: location, message: "is not allowed (additionalProperties is false)"))
                    continue
                }
                schemas.append(additional)
            }
            for schema in schemas {
                try check(member, against: schema, at: location, nesting: nesting + 1, referencesHere: [], limit: limit, into: &found)
            }
            if let names {
                try check(.string(name), against: names, at: location, nesting: nesting + 1, referencesHere: [], limit: limit, into: &found)
            }
        }
    }

    private mutating func checkCombinators(
        _ value: JSONValue, _ keywords: SchemaKeywords, at pointer: String, nesting: Int, referencesHere: [String], limit: Int,
        into found: inout [SchemaViolation]
    ) throws(StructuredOutputError) {
        let all = try keywords.schemas("allOf") ?? []
        try budget.spend(operations: all.count)
        for schema in all {
            try check(value, against: schema, at: pointer, nesting: nesting + 1, referencesHere: referencesHere, limit: limit, into: &found)
        }
        for name in ["anyOf", "oneOf"] {
            guard let alternatives = try keywords.schemas(name), found.count < limit else { continue }
            try budget.spend(operations: alternatives.count)
            var matches = 0
            var firstProblem: SchemaViolation?
            for alternative in alternatives where matches < 2 {
                let problems = try violations(
                    of: value, against: alternative, at: pointer, nesting: nesting + 1, referencesHere: referencesHere)
                if problems.isEmpty {
                    matches += 1
                    if name == "anyOf" { break }
                } else if firstProblem == nil {
                    firstProblem = problems.first
                }
            }
            if matches == 0 {
                let reason = firstProblem.map { "; the first fails at \($0)" } ?? ""
                found.append(
                    SchemaViolation(pointer: pointer, message: "matches none of the \(alternatives.count) alternatives of \(name)\(reason)")
                )
            } else if matches > 1 && name == "oneOf" {
                found.append(SchemaViolation(pointer: pointer, message: "matches more than one alternative of oneOf"))
            }
        }
        if let excluded = try keywords.schema("not"), found.count < limit,
            try violations(of: value, against: excluded, at: pointer, nesting: nesting + 1, referencesHere: referencesHere).isEmpty
        {
            found.append(SchemaViolation(pointer: pointer, message: "matches the schema under not"))
        }
        if let condition = try keywords.schema("if"), found.count < limit {
            let holds = try violations(of: value, against: condition, at: pointer, nesting: nesting + 1, referencesHere: referencesHere)
                .isEmpty
            if let branch = try keywords.schema(holds ? "then" : "else") {
                try check(
                    value, against: branch, at: pointer, nesting: nesting + 1, referencesHere: referencesHere, limit: limit, into: &found)
            }
        }
    }

    /// Charges comparing with `constant` to the budget; always true, to sit in a condition.
    private func spendComparison(_ constant: JSONValue) throws(StructuredOutputError) -> Bool {
        try budget.spend(operations: constant.schemaCost)
        return true
    }

    /// A value as a message quotes it, cut short when long.
    private static func preview(_ value: JSONValue) -> String {
        let text = value.serialized
        return text.count > 60 ? String(text.prefix(57)) + "..." : text
    }

    /// A bound as a message shows it: whole numbers without a fraction.
    private static func format(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
    }
}
