import LyrebirdPluginAPI

/// One JSON object of an Ollama request. Null members count as absent. A member of the wrong
/// type is a 400 worded as Ollama's Go server words it
/// (`json: cannot unmarshal string into Go struct field ChatRequest.stream of type bool`).
struct OllamaObject {
    let members: [String: JSONValue]
    /// The Go path of this object (`ChatRequest.messages`), for error messages.
    let path: String

    init(_ members: [String: JSONValue], path: String) {
        self.members = members
        self.path = path
    }

    subscript(name: String) -> JSONValue? {
        guard let value = members[name], !value.isNull else { return nil }
        return value
    }

    func string(_ name: String) throws(ReplyError) -> String? {
        guard let value = self[name] else { return nil }
        guard case .string(let text) = value else { throw wrongType(name, value, "string") }
        return text
    }

    func bool(_ name: String) throws(ReplyError) -> Bool? {
        guard let value = self[name] else { return nil }
        guard case .bool(let flag) = value else { throw wrongType(name, value, "bool") }
        return flag
    }

    func object(_ name: String, of goType: String) throws(ReplyError) -> OllamaObject? {
        guard let value = self[name] else { return nil }
        guard case .object(let members) = value else { throw wrongType(name, value, goType) }
        return OllamaObject(members, path: "\(path).\(name)")
    }

    /// The list `name` (absent: empty).
    func array(_ name: String, of goType: String) throws(ReplyError) -> [JSONValue] {
        guard let value = self[name] else { return [] }
        guard case .array(let elements) = value else { throw wrongType(name, value, "[]" + goType) }
        return elements
    }

    /// The list of objects `name` (absent: empty).
    func objects(_ name: String, of goType: String) throws(ReplyError) -> [OllamaObject] {
        var objects: [OllamaObject] = []
        for element in try array(name, of: goType) {
            guard case .object(let members) = element else { throw wrongType(name, element, goType) }
            objects.append(OllamaObject(members, path: "\(path).\(name)"))
        }
        return objects
    }

    /// The list of strings `name` (absent: empty).
    func strings(_ name: String) throws(ReplyError) -> [String] {
        var strings: [String] = []
        for element in try array(name, of: "string") {
            guard case .string(let text) = element else { throw wrongType(name, element, "string") }
            strings.append(text)
        }
        return strings
    }

    func wrongType(_ name: String, _ value: JSONValue, _ goType: String) -> ReplyError {
        OllamaErrors.badRequest(
            "json: cannot unmarshal \(Self.jsonKind(value)) into Go struct field \(path).\(name) of type \(goType)", param: name)
    }

    /// What Go's decoder calls a JSON value's kind.
    static func jsonKind(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "bool"
        case .integer, .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}
