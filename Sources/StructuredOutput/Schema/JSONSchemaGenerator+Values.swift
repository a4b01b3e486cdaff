import LyrebirdPluginAPI

extension JSONSchemaGenerator {
    /// A value of one type for the merged `keywords` at `pointer`.
    mutating func value(of type: JSONType, _ keywords: SchemaKeywords, hint: PropertyHint?, depth: Int, at pointer: String)
        throws(StructuredOutputError) -> JSONValue
    {
        try countValue()
        switch type {
        case .null:
            return .null
        case .boolean:
            return .bool(random.next() & 1 == 0)
        case .integer:
            let chosen = NumberChoice.integer(
                lower: try keywords.lowerBound(), upper: try keywords.upperBound(), multipleOf: try multipleOf(keywords),
                preferred: hint?.integerRange ?? 1...100, random: &random)
            guard let chosen else { throw .unsatisfiable(at: pointer, "no integer meets the bounds and multipleOf") }
            return .integer(chosen)
        case .number:
            let chosen = NumberChoice.number(
                lower: try keywords.lowerBound(), upper: try keywords.upperBound(), multipleOf: try multipleOf(keywords),
                preferred: hint?.numberRange ?? 1...100, random: &random)
            guard let chosen else { throw .unsatisfiable(at: pointer, "no number meets the bounds and multipleOf") }
            return .number(chosen)
        case .string:
            return .string(try string(keywords, hint: hint, at: pointer))
        case .array:
            return try array(keywords, hint: hint, depth: depth, at: pointer)
        case .object:
            return try object(keywords, depth: depth, at: pointer)
        }
    }

    private func multipleOf(_ keywords: SchemaKeywords) throws(StructuredOutputError) -> Double? {
        guard let divisor = try keywords.number("multipleOf") else { return nil }
        guard divisor > 0 else { throw .invalidSchema("keyword \"multipleOf\" must be greater than 0") }
        return divisor
    }

    /// A string of the schema's format, or matching its pattern, or a plausible text for the
    /// property's name, within the length limits.
    private mutating func string(_ keywords: SchemaKeywords, hint: PropertyHint?, at pointer: String) throws(StructuredOutputError)
        -> String
    {
        let minimum = try keywords.count("minLength") ?? 0
        let maximum = try keywords.count("maxLength")
        guard minimum <= limits.maximumStringLength else {
            throw .limitExceeded(
                "\(JSONPointer.display(pointer)) needs a string of at least \(minimum) characters; the limit is \(limits.maximumStringLength)"
            )
        }
        guard minimum <= maximum ?? .max else { throw .unsatisfiable(at: pointer, "minLength is greater than maxLength") }
        let format = try keywords.string("format").flatMap(StringFormat.init(rawValue:))
        // A pattern outside the supported subset is left to the final check to report.
        var pattern: SchemaPattern?
        if let source = try keywords.string("pattern"), case .success(let parsed) = try validator.pattern(source) { pattern = parsed }
        let budget = validator.budget
        func fits(_ text: String) throws(StructuredOutputError) -> Bool {
            let length = text.unicodeScalars.count
            guard length >= minimum && length <= maximum ?? .max && format?.accepts(text) != false else { return false }
            return try pattern?.matches(text, budget: budget) != false
        }
        if let example = format?.example(&random, hint: hint), try fits(example) { return example }
        let text = (hint ?? PropertyHint("")).text(&random)
        if try fits(text) { return text }
        if let sample = try pattern?.sample(&random, minimumLength: minimum, maximumLength: maximum, budget: budget), try fits(sample) {
            return sample
        }
        return fitted(text, minimum: minimum, maximum: maximum)
    }

    /// `text` lengthened with more words or shortened to meet the length limits.
    private mutating func fitted(_ text: String, minimum: Int, maximum: Int?) -> String {
        var scalars = Array(text.unicodeScalars)
        while scalars.count < minimum {
            scalars += Array((" " + random.element(of: SampleWords.nouns)).unicodeScalars)
        }
        if let maximum, scalars.count > maximum {
            scalars = Array(scalars.prefix(maximum))
            while scalars.last == " " { scalars.removeLast() }
            while scalars.count < minimum { scalars.append("x") }
        }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars)
        return String(result)
    }

    /// An array of one to three items (or the prefix's count), within `minItems` and `maxItems`;
    /// the fewest allowed when taking the smallest choices.
    private mutating func array(_ keywords: SchemaKeywords, hint: PropertyHint?, depth: Int, at pointer: String)
        throws(StructuredOutputError) -> JSONValue
    {
        guard depth < limits.maximumDepth else {
            throw .unsatisfiable(at: pointer, "the document would nest more than \(limits.maximumDepth) levels deep")
        }
        let prefix = try keywords.prefixItems()
        let later = try keywords.laterItems()
        let minimum = try keywords.count("minItems") ?? 0
        guard minimum <= limits.maximumItems else {
            throw .limitExceeded("\(JSONPointer.display(pointer)) needs at least \(minimum) items; the limit is \(limits.maximumItems)")
        }
        let most = min(try keywords.count("maxItems") ?? .max, later == .bool(false) ? prefix.count : .max)
        guard minimum <= most else { throw .unsatisfiable(at: pointer, "minItems \(minimum) cannot be met") }
        let preferred = isMinimal(depth: depth) ? 0 : prefix.isEmpty ? 1 + random.index(below: 3) : prefix.count
        let wanted = min(max(preferred, minimum), most)
        let unique = try keywords.bool("uniqueItems") == true
        let itemHint = hint?.singular
        var elements: [JSONValue] = []
        var failure: StructuredOutputError?
        while elements.count < wanted {
            let schema = elements.count < prefix.count ? prefix[elements.count] : later ?? .bool(true)
            let location = JSONPointer.appending(elements.count, to: pointer)
            let existing = elements
            let element = try attempt(failure: &failure) { generator throws(StructuredOutputError) in
                // A few tries for an item unlike the others, when items must be unique.
                for _ in 0..<4 {
                    let element = try generator.value(for: schema, hint: itemHint, depth: depth + 1, at: location)
                    if !unique || !existing.contains(where: element.isSchemaEqual) { return element }
                }
                throw .unsatisfiable(at: location, "no item unlike the others could be made (uniqueItems)")
            }
            guard let element else {
                // Fewer items will do once minItems is met.
                if elements.count >= minimum { break }
                throw failure ?? .unsatisfiable(at: location, "no item could be made")
            }
            elements.append(element)
        }
        return .array(elements)
    }

    /// An object with every required property and, unless taking the smallest choices, every
    /// other property the schema names; more members when `minProperties` asks for them.
    private mutating func object(_ keywords: SchemaKeywords, depth: Int, at pointer: String) throws(StructuredOutputError) -> JSONValue {
        guard depth < limits.maximumDepth else {
            throw .unsatisfiable(at: pointer, "the document would nest more than \(limits.maximumDepth) levels deep")
        }
        let properties = try keywords.schemaMap("properties") ?? [:]
        let patterns = try keywords.schemaMap("patternProperties") ?? [:]
        let additional = try keywords.schema("additionalProperties")
        var required: [String] = []
        var seen: Set<String> = []
        let listed = try keywords.strings("required") ?? []
        // Lists are read whole for every object made, so their length is charged.
        try validator.budget.spend(operations: listed.count + properties.count)
        for name in listed where seen.insert(name).inserted { required.append(name) }
        let minimum = try keywords.count("minProperties") ?? 0
        let maximum = try keywords.count("maxProperties") ?? .max
        guard minimum <= limits.maximumItems else {
            throw .limitExceeded(
                "\(JSONPointer.display(pointer)) needs at least \(minimum) properties; the limit is \(limits.maximumItems)")
        }
        guard required.count <= maximum, minimum <= maximum else {
            throw .unsatisfiable(at: pointer, "the required properties and minProperties exceed maxProperties")
        }
        var members: [String: JSONValue] = [:]
        for name in required {
            var named = properties[name]
            if named == nil { named = try patternSchema(for: name, in: patterns) }
            let schema = named ?? additional ?? .bool(true)
            guard schema != .bool(false) else {
                throw .unsatisfiable(at: pointer, "the required property \(name.debugDescription) is not allowed by additionalProperties")
            }
            members[name] = try value(for: schema, hint: PropertyHint(name), depth: depth + 1, at: JSONPointer.appending(name, to: pointer))
        }
        let minimal = isMinimal(depth: depth)
        var failure: StructuredOutputError?
        for name in properties.keys.sorted() where members[name] == nil && members.count < maximum {
            guard !minimal || members.count < minimum, let schema = properties[name] else { continue }
            members[name] = try attempt(failure: &failure) { generator throws(StructuredOutputError) in
                try generator.value(for: schema, hint: PropertyHint(name), depth: depth + 1, at: JSONPointer.appending(name, to: pointer))
            }
        }
        // More members for minProperties: names the patternProperties accept, then any name
        // additionalProperties allows.
        var number = 0
        while members.count < minimum {
            number += 1
            let (name, schema) = try extraMember(number: number, patterns: patterns, additional: additional, at: pointer)
            guard members[name] == nil else { continue }
            members[name] = try value(for: schema, hint: nil, depth: depth + 1, at: JSONPointer.appending(name, to: pointer))
        }
        return .object(members)
    }

    /// The schema of the first of `patterns` (by pattern text) whose pattern accepts `name`.
    private mutating func patternSchema(for name: String, in patterns: [String: JSONValue]) throws(StructuredOutputError) -> JSONValue? {
        for source in patterns.keys.sorted() {
            if case .success(let pattern) = try validator.pattern(source), try pattern.matches(name, budget: validator.budget) {
                return patterns[source]
            }
        }
        return nil
    }

    /// A name and schema for the `number`th member beyond the named properties.
    private mutating func extraMember(number: Int, patterns: [String: JSONValue], additional: JSONValue?, at pointer: String)
        throws(StructuredOutputError) -> (String, JSONValue)
    {
        // A pattern may allow few names: after a few tries the numbered names take over.
        for source in patterns.keys.sorted() where number <= 4 * limits.maximumItems {
            if case .success(let pattern) = try validator.pattern(source),
                let name = try pattern.sample(&random, minimumLength: 1, maximumLength: nil, budget: validator.budget),
                let schema = patterns[source]
            {
                return (name, schema)
            }
        }
        guard additional != .bool(false) else {
            throw .unsatisfiable(at: pointer, "minProperties cannot be met: no more members are allowed")
        }
        return ("property\(number)", additional ?? .bool(true))
    }
}
