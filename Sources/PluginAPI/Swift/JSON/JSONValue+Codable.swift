extension JSONValue: Codable {
    /// Decodes any JSON value. Integers that fit `Int64` become ``integer(_:)``, other numbers
    /// ``number(_:)``.
    public init(from decoder: any Decoder) throws {
        // The plugin ABI's decoder walks a parsed tree: the value is there whole.
        if let node = decoder as? JSONValueDecoder.Node {
            self = node.value
            return
        }
        // Any other `Decoder` cannot say what kind of value comes next, so each kind is tried in
        // turn; that costs more the deeper the value sits, which is why JSON text is parsed with
        // `JSONValue.parse`.
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

    /// Encodes the value as the JSON it stands for.
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
}
