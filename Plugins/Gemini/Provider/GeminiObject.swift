import LyrebirdPluginAPI

/// One JSON object of a Gemini request, read the way Google's JSON mapping reads it: a member by
/// its lowerCamelCase name (`systemInstruction`) or by its proto name (`system_instruction`),
/// both of which the Python client sends; null members count as absent.
///
/// Problems are 400s that name the member by its proto path (`generation_config.temperature`),
/// worded as Google words them.
struct GeminiObject {
    let members: [String: JSONValue]
    /// The proto path of this object (`contents[0]`), or `""` for the request itself.
    let path: String
    /// The request message's name, which Google's validation errors start with
    /// (`GenerateContentRequest`).
    let request: String

    init(_ members: [String: JSONValue], path: String = "", request: String) {
        self.members = members
        self.path = path
        self.request = request
    }

    /// The member `name` (given in lowerCamelCase), under either spelling.
    subscript(name: String) -> JSONValue? {
        guard let value = members[name] ?? members[Self.protoName(name)], !value.isNull else { return nil }
        return value
    }

    /// The proto path of the member `name`.
    func path(of name: String) -> String {
        let proto = Self.protoName(name)
        return path.isEmpty ? proto : "\(path).\(proto)"
    }

    func string(_ name: String) throws(ReplyError) -> String? {
        guard let value = self[name] else { return nil }
        guard case .string(let text) = value else { throw Self.invalidValue(path(of: name), "TYPE_STRING", value) }
        return text
    }

    func bool(_ name: String) throws(ReplyError) -> Bool? {
        guard let value = self[name] else { return nil }
        guard case .bool(let flag) = value else { throw Self.invalidValue(path(of: name), "TYPE_BOOL", value) }
        return flag
    }

    func number(_ name: String, in range: ClosedRange<Double>) throws(ReplyError) -> Double? {
        guard let value = self[name] else { return nil }
        guard value.boolValue == nil, let number = value.doubleValue else { throw Self.invalidValue(path(of: name), "TYPE_FLOAT", value) }
        guard range.contains(number) else {
            throw invalid(path(of: name), "must be between \(Self.format(range.lowerBound)) and \(Self.format(range.upperBound)).")
        }
        return number
    }

    func integer(_ name: String, in range: ClosedRange<Int>) throws(ReplyError) -> Int? {
        guard let value = self[name] else { return nil }
        guard value.boolValue == nil, let number = value.intValue else { throw Self.invalidValue(path(of: name), "TYPE_INT32", value) }
        guard range.contains(number) else {
            throw invalid(path(of: name), "must be in the range [\(range.lowerBound), \(range.upperBound)].")
        }
        return number
    }

    func object(_ name: String) throws(ReplyError) -> GeminiObject? {
        guard let value = self[name] else { return nil }
        return try Self.object(value, path: path(of: name), request: request)
    }

    /// The list `name` (absent: empty).
    func array(_ name: String) throws(ReplyError) -> [JSONValue] {
        guard let value = self[name] else { return [] }
        guard case .array(let elements) = value else { throw Self.invalidValue(path(of: name), "TYPE_LIST", value) }
        return elements
    }

    /// The list of objects `name` (absent: empty), each with its own path (`contents[2]`).
    func objects(_ name: String) throws(ReplyError) -> [GeminiObject] {
        var objects: [GeminiObject] = []
        for (index, element) in try array(name).enumerated() {
            objects.append(try Self.object(element, path: "\(path(of: name))[\(index)]", request: request))
        }
        return objects
    }

    /// The list of strings `name` (absent: empty).
    func strings(_ name: String) throws(ReplyError) -> [String] {
        var strings: [String] = []
        for (index, element) in try array(name).enumerated() {
            guard case .string(let text) = element else { throw Self.invalidValue("\(path(of: name))[\(index)]", "TYPE_STRING", element) }
            strings.append(text)
        }
        return strings
    }

    static func object(_ value: JSONValue, path: String, request: String) throws(ReplyError) -> GeminiObject {
        guard case .object(let members) = value else { throw Self.invalidValue(path, "TYPE_MESSAGE", value) }
        return GeminiObject(members, path: path, request: request)
    }

    // MARK: Errors

    /// A validation failure, as `* GenerateContentRequest.contents: contents is not specified`.
    func invalid(_ path: String, _ problem: String) -> ReplyError {
        GeminiErrors.invalidArgument("* \(request).\(path): \(problem)", param: path)
    }

    /// A value of the wrong type, as `Invalid value at 'generation_config.temperature' (TYPE_FLOAT), "hot"`.
    static func invalidValue(_ path: String, _ type: String, _ value: JSONValue) -> ReplyError {
        GeminiErrors.invalidArgument("Invalid value at '\(path)' (\(type)), \(value.serialized)", param: path)
    }

    // MARK: Names

    /// `systemInstruction` -> `system_instruction`.
    static func protoName(_ name: String) -> String {
        var proto = ""
        proto.reserveCapacity(name.utf8.count + 4)
        for character in name {
            if character.isUppercase {
                proto.append("_")
                proto.append(contentsOf: character.lowercased())
            } else {
                proto.append(character)
            }
        }
        return proto
    }

    private static func format(_ number: Double) -> String {
        number == number.rounded() ? String(Int(number)) : String(number)
    }
}
