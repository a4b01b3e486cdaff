/// Typed access to a JSON request body that turns every problem into a `ReplyError` naming the
/// parameter, in the words the OpenAI API uses. Providers of any wire format can use it.
public struct RequestFields: Sendable {
    /// The decoded body.
    public let body: JSONValue
    /// The top-level members.
    public let members: [String: JSONValue]

    /// Parses `bytes` as a JSON object.
    public init(parsing bytes: [UInt8]) throws(ReplyError) {
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes)
        } catch {
            throw ReplyError.invalidParameter(
                nil,
                "We could not parse the JSON body of your request (\(error.message.trimmingSuffix("."))). The API expects a JSON object as the request body.",
                code: "invalid_json"
            )
        }
        guard case .object(let members) = value else {
            throw ReplyError.invalidParameter(
                nil, "The request body must be a JSON object, but got \(value.typeName) instead.", code: "invalid_json")
        }
        self.body = value
        self.members = members
    }

    /// The top-level member `key`, or `nil` when it is absent or JSON `null`: the API treats
    /// `null` as "not given".
    public subscript(key: String) -> JSONValue? {
        guard let value = members[key], !value.isNull else { return nil }
        return value
    }

    // MARK: Top-level fields

    /// The string member `key`.
    ///
    /// - Throws: A 400 naming `key` when it is absent, null (`missing_required_parameter`) or not a
    ///   string (`invalid_type`).
    public func requiredString(_ key: String) throws(ReplyError) -> String {
        guard let value = self[key] else { throw Self.missing(key) }
        return try Self.string(value, param: key)
    }

    /// The array member `key`.
    ///
    /// - Throws: A 400 naming `key` when it is absent, null or not an array.
    public func requiredArray(_ key: String) throws(ReplyError) -> [JSONValue] {
        guard let value = self[key] else { throw Self.missing(key) }
        return try Self.array(value, param: key)
    }

    /// The string member `key`, or `nil` when absent or null.
    ///
    /// - Throws: A 400 naming `key` when it is present but not a string.
    public func string(_ key: String) throws(ReplyError) -> String? {
        guard let value = self[key] else { return nil }
        return try Self.string(value, param: key)
    }

    /// The boolean member `key`, or `nil` when absent or null.
    ///
    /// - Throws: A 400 naming `key` when it is present but not a boolean.
    public func bool(_ key: String) throws(ReplyError) -> Bool? {
        guard let value = self[key] else { return nil }
        return try Self.bool(value, param: key)
    }

    /// The integer member `key`, or `nil` when absent or null.
    ///
    /// - Throws: A 400 naming `key` when it is not an integer (`invalid_type`; `true` is not one)
    ///   or is outside `range` (`invalid_value`).
    public func integer(_ key: String, in range: ClosedRange<Int>) throws(ReplyError) -> Int? {
        guard let value = self[key] else { return nil }
        return try Self.integer(value, param: key, in: range)
    }

    /// The number member `key` (an integer or a fraction), or `nil` when absent or null.
    ///
    /// - Throws: A 400 naming `key` when it is not a number or is outside `range`.
    public func number(_ key: String, in range: ClosedRange<Double>) throws(ReplyError) -> Double? {
        guard let value = self[key] else { return nil }
        return try Self.number(value, param: key, in: range)
    }

    /// The object member `key`, or `nil` when absent or null.
    ///
    /// - Throws: A 400 naming `key` when it is present but not an object.
    public func object(_ key: String) throws(ReplyError) -> [String: JSONValue]? {
        guard let value = self[key] else { return nil }
        return try Self.object(value, param: key)
    }

    /// A string or a list of strings (like `stop`).
    public func stringList(_ key: String) throws(ReplyError) -> [String] {
        guard let value = self[key] else { return [] }
        if case .string(let text) = value { return [text] }
        let elements = try Self.array(value, param: key)
        var strings: [String] = []
        for (index, element) in elements.enumerated() {
            strings.append(try Self.string(element, param: "\(key)[\(index)]"))
        }
        return strings
    }

    // MARK: Nested values

    /// `value` as a string.
    ///
    /// - Throws: A 400 naming `param` (a path such as `messages[2].content`) otherwise.
    public static func string(_ value: JSONValue, param: String) throws(ReplyError) -> String {
        guard case .string(let text) = value else { throw wrongType(param, expected: "a string", got: value) }
        return text
    }

    /// `value` as a boolean.
    ///
    /// - Throws: A 400 naming `param` otherwise.
    public static func bool(_ value: JSONValue, param: String) throws(ReplyError) -> Bool {
        guard case .bool(let flag) = value else { throw wrongType(param, expected: "a boolean", got: value) }
        return flag
    }

    /// `value` as an integer within `range`.
    ///
    /// - Throws: A 400 naming `param` when it is not an integer or is out of range.
    public static func integer(_ value: JSONValue, param: String, in range: ClosedRange<Int>) throws(ReplyError) -> Int {
        guard let number = value.intValue, value.boolValue == nil else { throw wrongType(param, expected: "an integer", got: value) }
        guard range.contains(number) else {
            let bound =
                number < range.lowerBound
                ? "Expected a value >= \(range.lowerBound)" : "Expected a value <= \(range.upperBound)"
            throw ReplyError.invalidParameter(
                param, "Invalid '\(param)': integer \(number) is out of range. \(bound).", code: "invalid_value")
        }
        return number
    }

    /// `value` as an array.
    ///
    /// - Throws: A 400 naming `param` otherwise.
    public static func array(_ value: JSONValue, param: String) throws(ReplyError) -> [JSONValue] {
        guard case .array(let elements) = value else { throw wrongType(param, expected: "an array", got: value) }
        return elements
    }

    /// `value` as an object's members.
    ///
    /// - Throws: A 400 naming `param` otherwise.
    public static func object(_ value: JSONValue, param: String) throws(ReplyError) -> [String: JSONValue] {
        guard case .object(let members) = value else { throw wrongType(param, expected: "an object", got: value) }
        return members
    }

    /// The member `key` of `object`, which must be present and not null.
    public static func required(_ object: [String: JSONValue], _ key: String, param: String) throws(ReplyError) -> JSONValue {
        guard let value = object[key], !value.isNull else { throw missing("\(param).\(key)") }
        return value
    }

    // MARK: Errors

    /// A 400 for a required parameter that is absent: "Missing required parameter: 'param'."
    /// (`missing_required_parameter`). Throw it from your own checks to word errors alike.
    public static func missing(_ param: String) -> ReplyError {
        ReplyError.invalidParameter(param, "Missing required parameter: '\(param)'.", code: "missing_required_parameter")
    }

    /// A 400 for a parameter of the wrong JSON type, naming what was expected and what came
    /// (`invalid_type`).
    public static func wrongType(_ param: String, expected: String, got value: JSONValue) -> ReplyError {
        let article = value.typeName.first.map { "aeiou".contains($0) } == true ? "an" : "a"
        return ReplyError.invalidParameter(
            param, "Invalid type for '\(param)': expected \(expected), but got \(article) \(value.typeName) instead.", code: "invalid_type"
        )
    }

    /// A 400 for a value outside a fixed set, listing the supported values (`invalid_value`).
    public static func invalidValue(_ param: String, _ value: String, supported: [String]) -> ReplyError {
        let list = supported.map { "'\($0)'" }.joined(separator: ", ")
        return ReplyError.invalidParameter(param, "Invalid value: '\(value)'. Supported values are: \(list).", code: "invalid_value")
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
