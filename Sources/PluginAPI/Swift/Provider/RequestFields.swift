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

    public subscript(key: String) -> JSONValue? {
        guard let value = members[key], !value.isNull else { return nil }
        return value
    }

    // MARK: Top-level fields

    public func requiredString(_ key: String) throws(ReplyError) -> String {
        guard let value = self[key] else { throw Self.missing(key) }
        return try Self.string(value, param: key)
    }

    public func requiredArray(_ key: String) throws(ReplyError) -> [JSONValue] {
        guard let value = self[key] else { throw Self.missing(key) }
        return try Self.array(value, param: key)
    }

    public func string(_ key: String) throws(ReplyError) -> String? {
        guard let value = self[key] else { return nil }
        return try Self.string(value, param: key)
    }

    public func bool(_ key: String) throws(ReplyError) -> Bool? {
        guard let value = self[key] else { return nil }
        return try Self.bool(value, param: key)
    }

    public func integer(_ key: String, in range: ClosedRange<Int>) throws(ReplyError) -> Int? {
        guard let value = self[key] else { return nil }
        return try Self.integer(value, param: key, in: range)
    }

    public func number(_ key: String, in range: ClosedRange<Double>) throws(ReplyError) -> Double? {
        guard let value = self[key] else { return nil }
        guard let number = value.doubleValue else { throw Self.wrongType(key, expected: "a number", got: value) }
        guard range.contains(number) else {
            throw ReplyError.invalidParameter(
                key, "Invalid '\(key)': \(number) is out of range. Expected a value between \(range.lowerBound) and \(range.upperBound).",
                code: "invalid_value"
            )
        }
        return number
    }

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

    public static func string(_ value: JSONValue, param: String) throws(ReplyError) -> String {
        guard case .string(let text) = value else { throw wrongType(param, expected: "a string", got: value) }
        return text
    }

    public static func bool(_ value: JSONValue, param: String) throws(ReplyError) -> Bool {
        guard case .bool(let flag) = value else { throw wrongType(param, expected: "a boolean", got: value) }
        return flag
    }

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

    public static func array(_ value: JSONValue, param: String) throws(ReplyError) -> [JSONValue] {
        guard case .array(let elements) = value else { throw wrongType(param, expected: "an array", got: value) }
        return elements
    }

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

    public static func missing(_ param: String) -> ReplyError {
        ReplyError.invalidParameter(param, "Missing required parameter: '\(param)'.", code: "missing_required_parameter")
    }

    public static func wrongType(_ param: String, expected: String, got value: JSONValue) -> ReplyError {
        let article = value.typeName.first.map { "aeiou".contains($0) } == true ? "an" : "a"
        return ReplyError.invalidParameter(
            param, "Invalid type for '\(param)': expected \(expected), but got \(article) \(value.typeName) instead.", code: "invalid_type"
        )
    }

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
