/// The members of one JSON object that crosses the plugin ABI, read as `JSONValueDecoder`
/// reads them: a required member that is absent is `missing`, one of the wrong type (null included)
/// is a `wrong type`; an optional member that is absent or null is `nil`.
struct PluginJSONMemberReader {
    let members: [String: JSONValue]
    let path: String

    init(_ value: JSONValue, path: String) throws(PluginJSONError) {
        guard case .object(let members) = value else {
            throw PluginJSONError(
                message: "wrong type at \(path.isEmpty ? "the top level" : path): expected an object, found \(value.typeName)")
        }
        self.members = members
        self.path = path
    }

    private func place(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func required(_ key: String) throws(PluginJSONError) -> JSONValue {
        guard let value = members[key] else { throw PluginJSONError(message: "missing \(place(key))") }
        return value
    }

    private func optional(_ key: String) -> JSONValue? {
        guard let value = members[key], !value.isNull else { return nil }
        return value
    }

    private func mismatch(_ key: String, _ expected: String, _ value: JSONValue) -> PluginJSONError {
        PluginJSONError(message: "wrong type at \(place(key)): expected \(expected), found \(value.typeName)")
    }

    func string(_ key: String) throws(PluginJSONError) -> String {
        let value = try required(key)
        guard case .string(let text) = value else { throw mismatch(key, "a string", value) }
        return text
    }

    func optionalString(_ key: String) throws(PluginJSONError) -> String? {
        guard let value = optional(key) else { return nil }
        guard case .string(let text) = value else { throw mismatch(key, "a string", value) }
        return text
    }

    func array(_ key: String) throws(PluginJSONError) -> [JSONValue] {
        let value = try required(key)
        guard case .array(let elements) = value else { throw mismatch(key, "an array", value) }
        return elements
    }

    func optionalArray(_ key: String) throws(PluginJSONError) -> [JSONValue]? {
        guard let value = optional(key) else { return nil }
        guard case .array(let elements) = value else { throw mismatch(key, "an array", value) }
        return elements
    }

    func optionalBool(_ key: String) throws(PluginJSONError) -> Bool? {
        guard let value = optional(key) else { return nil }
        guard case .bool(let flag) = value else { throw mismatch(key, "a boolean", value) }
        return flag
    }

    func integer(_ key: String) throws(PluginJSONError) -> Int {
        try integer(try required(key), key)
    }

    func optionalInteger(_ key: String) throws(PluginJSONError) -> Int? {
        guard let value = optional(key) else { return nil }
        return try integer(value, key)
    }

    private func integer(_ value: JSONValue, _ key: String) throws(PluginJSONError) -> Int {
        let exact: Int?
        switch value {
        case .integer(let number): exact = Int(exactly: number)
        case .number(let number): exact = Int(exactly: number)
        default: throw mismatch(key, "an integer", value)
        }
        guard let exact else { throw mismatch(key, "an integer that fits Int", value) }
        return exact
    }

    /// An optional member through its `Decodable` form, unless it is the `common` value.
    func decoded<Value: Decodable>(_ key: String, _ type: Value.Type, common: (JSONValue, Value)? = nil) throws(PluginJSONError) -> Value? {
        guard let value = optional(key) else { return nil }
        if let common, value == common.0 { return common.1 }
        return try PluginJSON.decode(type, from: value, at: place(key))
    }
}
