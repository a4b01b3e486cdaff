extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        // `Decoder` cannot say what kind of value comes next, so each kind is tried in turn.
        // The failed attempts cost more the deeper the value sits, which is why JSON text is
        // parsed with `JSONValue.parse`, and `PluginJSON.decode` hands over values it has
        // already parsed.
        if let document = decoder.userInfo[.parsedJSONDocument] as? JSONValue,
            let value = document.descendant(at: decoder.codingPath)
        {
            self = value
            return
        }
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// The value reached from this one by following `path`, as a `Decoder` walks a document:
    /// member names into objects, indices into arrays.
    private func descendant(at path: [any CodingKey]) -> JSONValue? {
        var value = self
        for key in path {
            switch value {
            case .object(let members):
                guard let member = members[key.stringValue] else { return nil }
                value = member
            case .array(let elements):
                guard let index = key.intValue, elements.indices.contains(index) else { return nil }
                value = elements[index]
            default:
                return nil
            }
        }
        return value
    }
}

extension CodingUserInfoKey {
    /// The whole document being decoded, as a `JSONValue`, for `JSONValue.init(from:)` to take
    /// its values from.
    static let parsedJSONDocument = CodingUserInfoKey(rawValue: "lyrebird.parsedJSONDocument")!
}
