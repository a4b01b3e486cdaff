import LyrebirdPluginAPI

/// Makes a JSON document that a schema accepts: the same document for the same schema and seed,
/// with plausible values (a `name` reads like a name, an `age` is an adult's age), checked by
/// `JSONSchemaValidator` before it is handed out.
///
/// It reads what the validator reads. `allOf` and a `$ref` with sibling keywords are merged into
/// one set of keywords; `anyOf` and `oneOf` are tried in order, non-null alternatives first,
/// until one gives a value the whole schema accepts; every property is filled, optional ones
/// too. Recursion ends because once a `$ref` is open inside itself, or the document is
/// `StructuredOutputLimits.fullDepth` deep, the generator takes the smallest choices: `null`
/// first, no optional properties, the fewest items. A `pattern` outside `PatternParser`'s subset,
/// or one a few tries cannot meet together with the length limits, gives an ordinary string, and
/// the problem is reported with the document. `not`, `if`/`then`/`else`, `propertyNames` and a
/// second pattern merged from `allOf` are not aimed for, only checked.
package struct JSONSchemaGenerator {
    var validator: JSONSchemaValidator
    var random: SeededRandom
    /// Values made so far for the document.
    private var values = 0
    /// The `$ref`s open on the way to the current value, each with whether it was already open
    /// further out (a recursion).
    private var openReferences: [(reference: String, repeated: Bool)] = []
    /// How many of `openReferences` are recursions.
    private var recursions = 0
    /// How many schemas are open inside each other.
    private var nesting = 0

    var limits: StructuredOutputLimits { validator.limits }

    package init(schema: JSONValue, seed: UInt64, limits: StructuredOutputLimits = .standard) {
        validator = JSONSchemaValidator(schema: schema, limits: limits)
        random = SeededRandom(seed: seed)
    }

    /// A document the schema accepts, with the problems the validator still finds in it: none
    /// unless a pattern could not be met (see the type's description).
    ///
    /// - Throws: `.invalidSchema` for a schema that cannot be read, `.unsatisfiable` when no
    ///   document within the limits satisfies it, `.limitExceeded` when it asks for more than
    ///   the limits allow.
    package mutating func generate() throws(StructuredOutputError) -> (document: JSONValue, problems: [SchemaViolation]) {
        let document = try value(for: validator.document.root, hint: nil, depth: 0, at: "")
        return (document, try validator.problems(of: document))
    }

    /// A value for `schema` at `pointer`, `depth` arrays and objects deep.
    mutating func value(for schema: JSONValue, hint: PropertyHint?, depth: Int, at pointer: String) throws(StructuredOutputError)
        -> JSONValue
    {
        let opened = openReferences.count
        defer { close(to: opened) }
        return try value(for: try flatten(schema, at: pointer, chain: [], level: 0), hint: hint, depth: depth, at: pointer)
    }

    /// Whether to take the smallest choices: inside a recursion, or deep in the document.
    func isMinimal(depth: Int) -> Bool {
        recursions > 0 || depth >= limits.fullDepth
    }

    /// Counts one more value against `StructuredOutputLimits.maximumValues`.
    mutating func countValue() throws(StructuredOutputError) {
        values += 1
        guard values <= limits.maximumValues else {
            throw .limitExceeded("the document would hold more than \(limits.maximumValues) values")
        }
    }

    /// Runs `make`, and when it fails in a way another choice might avoid, forgets the values it
    /// counted and returns `nil` with the failure in `failure`.
    mutating func attempt(
        failure: inout StructuredOutputError?, _ make: (inout JSONSchemaGenerator) throws(StructuredOutputError) -> JSONValue
    ) throws(StructuredOutputError) -> JSONValue? {
        let mark = values
        do {
            return try make(&self)
        } catch  where error.isRecoverable {
            values = mark
            failure = error
            return nil
        }
    }

    private mutating func value(for keywords: SchemaKeywords, hint: PropertyHint?, depth: Int, at pointer: String)
        throws(StructuredOutputError) -> JSONValue
    {
        try validator.budget.spend()
        nesting += 1
        defer { nesting -= 1 }
        guard nesting <= limits.maximumNesting else {
            throw .limitExceeded("the schema nests more than \(limits.maximumNesting) levels at \(JSONPointer.display(pointer))")
        }
        if let constant = keywords["const"] {
            try countValue()
            return constant
        }
        if let options = try keywords.values("enum") {
            guard !options.isEmpty else { throw .unsatisfiable(at: pointer, "enum lists no values") }
            try countValue()
            return try pick(options, satisfying: keywords, at: pointer) ?? options[0]
        }
        if let examples = try keywords.values("examples"), !examples.isEmpty,
            let example = try pick(examples, satisfying: keywords, at: pointer)
        {
            try countValue()
            return example
        }
        for name in ["anyOf", "oneOf"] {
            if let alternatives = try keywords.schemas(name) {
                return try alternative(of: alternatives, named: name, in: keywords, hint: hint, depth: depth, at: pointer)
            }
        }
        var failure: StructuredOutputError?
        for type in Self.order(try keywords.types() ?? Self.inferredTypes(keywords), minimal: isMinimal(depth: depth)) {
            let made = try attempt(failure: &failure) { generator throws(StructuredOutputError) in
                try generator.value(of: type, keywords, hint: hint, depth: depth, at: pointer)
            }
            if let made { return made }
        }
        throw failure ?? .unsatisfiable(at: pointer, "type lists no types")
    }

    /// A value from one of `alternatives` (of `anyOf` or `oneOf`) that the whole schema accepts;
    /// if none is accepted, the first value made, for the final check to report.
    private mutating func alternative(
        of alternatives: [JSONValue], named name: String, in keywords: SchemaKeywords, hint: PropertyHint?, depth: Int,
        at pointer: String
    ) throws(StructuredOutputError) -> JSONValue {
        var rest = keywords
        rest[name] = nil
        var fallback: JSONValue?
        var failure: StructuredOutputError?
        // An alternative's value may also satisfy another (oneOf) or miss a keyword the merge
        // could not keep: each alternative gets a few tries, with fresh random choices.
        for index in Self.order(alternatives, minimal: isMinimal(depth: depth)) {
            for _ in 0..<3 {
                let (opened, mark) = (openReferences.count, values)
                defer { close(to: opened) }
                let candidate = try attempt(failure: &failure) { generator throws(StructuredOutputError) in
                    let branch = try generator.flatten(alternatives[index], at: pointer, chain: [], level: 0)
                    return try generator.value(
                        for: try rest.merged(with: branch, at: pointer, budget: generator.validator.budget), hint: hint, depth: depth,
                        at: pointer)
                }
                guard let candidate else { break }
                if try validator.accepts(candidate, keywords.schema, at: pointer) { return candidate }
                // A refused value no longer counts; the first is kept in case none is accepted.
                values = mark
                fallback = fallback ?? candidate
            }
        }
        if let fallback { return fallback }
        throw failure ?? .unsatisfiable(at: pointer, "\(name) lists no alternatives")
    }

    /// One of `options` that the schema accepts, starting from a random one; `nil` when none is.
    private mutating func pick(_ options: [JSONValue], satisfying keywords: SchemaKeywords, at pointer: String)
        throws(StructuredOutputError) -> JSONValue?
    {
        let start = random.index(below: options.count)
        for offset in options.indices {
            let option = options[(start + offset) % options.count]
            if try validator.accepts(option, keywords.schema, at: pointer) { return option }
        }
        return nil
    }

    /// The keywords of `schema` with its `$ref` and `allOf` merged in, so that one set says
    /// everything that applies here. A `$ref` followed stays open until the value is made.
    ///
    /// - Parameter chain: the `$ref`s followed within this merge; meeting one again is a cycle
    ///   with no value in between, which no document can end.
    mutating func flatten(_ schema: JSONValue, at pointer: String, chain: [String], level: Int) throws(StructuredOutputError)
        -> SchemaKeywords
    {
        try validator.budget.spend()
        guard level <= limits.maximumNesting else {
            throw .limitExceeded("the schema nests more than \(limits.maximumNesting) levels of $ref and allOf")
        }
        var keywords: SchemaKeywords
        switch schema {
        case .bool(true): return SchemaKeywords()
        case .bool(false): throw .unsatisfiable(at: pointer, "the schema false allows no value")
        case .object(let members): keywords = SchemaKeywords(members)
        default: throw .invalidSchema("a schema must be an object or a boolean, not \(schema.typeName)")
        }
        let reference = try keywords.string("$ref")
        let members = try keywords.schemas("allOf") ?? []
        keywords["$ref"] = nil
        keywords["allOf"] = nil
        keywords = try keywords.normalized()
        if let reference {
            guard !chain.contains(reference) else {
                throw .invalidSchema("$ref \(reference.debugDescription) leads back to itself without any value in between")
            }
            open(reference)
            let target = try flatten(try validator.document.resolve(reference), at: pointer, chain: chain + [reference], level: level + 1)
            keywords = try keywords.merged(with: target, at: pointer, budget: validator.budget)
        }
        for member in members {
            keywords = try keywords.merged(
                with: try flatten(member, at: pointer, chain: chain, level: level + 1), at: pointer, budget: validator.budget)
        }
        return keywords
    }

    private mutating func open(_ reference: String) {
        let repeated = openReferences.contains { $0.reference == reference }
        openReferences.append((reference, repeated))
        if repeated { recursions += 1 }
    }

    private mutating func close(to count: Int) {
        while openReferences.count > count {
            if openReferences.removeLast().repeated { recursions -= 1 }
        }
    }

    /// The order to try alternatives in: non-null ones first; when taking the smallest choices,
    /// `null` first, then those without a `$ref` (which may recurse), then the rest.
    private static func order(_ alternatives: [JSONValue], minimal: Bool) -> [Int] {
        func isNull(_ schema: JSONValue) -> Bool {
            schema["type"] == "null" || schema["const"] == .null || schema["enum"] == [.null]
        }
        let indices = Array(alternatives.indices)
        let nulls = indices.filter { isNull(alternatives[$0]) }
        let others = indices.filter { !isNull(alternatives[$0]) }
        guard minimal else { return others + nulls }
        return nulls + others.filter { alternatives[$0]["$ref"] == nil } + others.filter { alternatives[$0]["$ref"] != nil }
    }

    /// The order to try types in: as listed with `null` last; when taking the smallest choices,
    /// `null` first and containers last.
    private static func order(_ types: [JSONType], minimal: Bool) -> [JSONType] {
        guard minimal else { return types.filter { $0 != .null } + types.filter { $0 == .null } }
        return types.filter { $0 == .null } + types.filter { $0 != .null && !$0.isContainer } + types.filter(\.isContainer)
    }

    /// The type a schema without `type` describes by its other keywords; a string when they say
    /// nothing.
    private static func inferredTypes(_ keywords: SchemaKeywords) -> [JSONType] {
        let hints: [(JSONType, [String])] = [
            (.object, ["properties", "required", "additionalProperties", "patternProperties", "minProperties", "maxProperties"]),
            (.array, ["items", "prefixItems", "additionalItems", "minItems", "maxItems", "uniqueItems"]),
            (.string, ["minLength", "maxLength", "pattern", "format"]),
            (.number, ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"]),
        ]
        let type = hints.first { _, names in names.contains { keywords[$0] != nil } }?.0
        return [type ?? .string]
    }
}
