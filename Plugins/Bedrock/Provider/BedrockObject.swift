import LyrebirdPluginAPI

/// One JSON object of a Bedrock request, with its path in the request (`messages.2.content.0`,
/// indexes from 0, as Bedrock's own messages name places). Null members count as absent, and
/// every problem is a `ValidationException` naming the member's path.
struct BedrockObject {
    let members: [String: JSONValue]
    /// The object's path, or `""` for the request itself.
    let path: String

    init(_ members: [String: JSONValue], path: String = "") {
        self.members = members
        self.path = path
    }

    /// The member `name`, or `nil` when it is absent or null.
    subscript(name: String) -> JSONValue? {
        guard let value = members[name], !value.isNull else { return nil }
        return value
    }

    /// The path of the member `name`.
    func path(of name: String) -> String {
        path.isEmpty ? name : "\(path).\(name)"
    }

    /// The members that are set (not null), by name in order, for unions.
    var setMembers: [String] {
        members.filter { !$0.value.isNull }.keys.sorted()
    }

    func required(_ name: String) throws(ReplyError) -> JSONValue {
        guard let value = self[name] else { throw BedrockErrors.missing(path(of: name)) }
        return value
    }

    func string(_ name: String) throws(ReplyError) -> String? {
        guard let value = self[name] else { return nil }
        return try Self.string(value, path: path(of: name))
    }

    func requiredString(_ name: String) throws(ReplyError) -> String {
        try Self.string(required(name), path: path(of: name))
    }

    func integer(_ name: String, in range: ClosedRange<Int>) throws(ReplyError) -> Int? {
        guard let value = self[name] else { return nil }
        guard value.boolValue == nil, let number = value.intValue else {
            throw BedrockErrors.wrongType(path(of: name), value, expected: "an integer")
        }
        try Self.check(number, in: range, value: value, path: path(of: name))
        return number
    }

    func number(_ name: String, in range: ClosedRange<Double>) throws(ReplyError) -> Double? {
        guard let value = self[name] else { return nil }
        guard value.boolValue == nil, let number = value.doubleValue else {
            throw BedrockErrors.wrongType(path(of: name), value, expected: "a number")
        }
        try Self.check(number, in: range, value: value, path: path(of: name))
        return number
    }

    func object(_ name: String) throws(ReplyError) -> BedrockObject? {
        guard let value = self[name] else { return nil }
        return try Self.object(value, path: path(of: name))
    }

    func requiredObject(_ name: String) throws(ReplyError) -> BedrockObject {
        try Self.object(required(name), path: path(of: name))
    }

    /// The list `name`, or `nil` when absent.
    func array(_ name: String) throws(ReplyError) -> [JSONValue]? {
        guard let value = self[name] else { return nil }
        guard case .array(let elements) = value else { throw BedrockErrors.wrongType(path(of: name), value, expected: "a list") }
        return elements
    }

    /// The list of objects `name`, which must be present, each with its own path.
    func requiredObjects(_ name: String) throws(ReplyError) -> [BedrockObject] {
        guard let elements = try array(name) else { throw BedrockErrors.missing(path(of: name)) }
        return try Self.objects(elements, path: path(of: name))
    }

    /// The list of objects `name` (absent: empty), each with its own path.
    func objects(_ name: String) throws(ReplyError) -> [BedrockObject] {
        try Self.objects(array(name) ?? [], path: path(of: name))
    }

    /// The list of strings `name` (absent: empty).
    func strings(_ name: String) throws(ReplyError) -> [String] {
        var strings: [String] = []
        for (index, element) in (try array(name) ?? []).enumerated() {
            strings.append(try Self.string(element, path: "\(path(of: name)).\(index)"))
        }
        return strings
    }

    // MARK: Values

    static func string(_ value: JSONValue, path: String) throws(ReplyError) -> String {
        guard case .string(let text) = value else { throw BedrockErrors.wrongType(path, value, expected: "a string") }
        return text
    }

    static func object(_ value: JSONValue, path: String) throws(ReplyError) -> BedrockObject {
        guard case .object(let members) = value else { throw BedrockErrors.wrongType(path, value, expected: "a structure") }
        return BedrockObject(members, path: path)
    }

    static func objects(_ elements: [JSONValue], path: String) throws(ReplyError) -> [BedrockObject] {
        var objects: [BedrockObject] = []
        objects.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            objects.append(try object(element, path: "\(path).\(index)"))
        }
        return objects
    }

    /// Requires `number` within `range`; the bounds are written as AWS writes them (`1`, `0.5`).
    private static func check<Number: Comparable & CustomStringConvertible>(
        _ number: Number, in range: ClosedRange<Number>, value: JSONValue, path: String
    ) throws(ReplyError) {
        if number < range.lowerBound {
            throw BedrockErrors.constraint(path, value: value, "Member must have value greater than or equal to \(bound(range.lowerBound))")
        }
        if number > range.upperBound {
            throw BedrockErrors.constraint(path, value: value, "Member must have value less than or equal to \(bound(range.upperBound))")
        }
    }

    private static func bound(_ value: some CustomStringConvertible) -> String {
        let text = value.description
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }
}
