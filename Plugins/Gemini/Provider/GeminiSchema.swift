import LyrebirdPluginAPI

/// Translates Google's own schema dialect (the Gemini API's `Schema`: `responseSchema`, a
/// function declaration's `parameters`) into the JSON Schema the host generates and checks
/// documents with. `responseJsonSchema` and `parametersJsonSchema` are JSON Schema already.
///
/// - `type` names are upper case (`OBJECT`, `STRING`, `INTEGER`, `NUMBER`, `BOOLEAN`, `ARRAY`,
///   `NULL`) and become JSON Schema's lower-case ones. Google refuses `"object"` with an
///   `Invalid value` error, and so does this.
/// - `nullable: true` adds `null`: to the type (`["string", "null"]`) and to an `enum`, or as an
///   alternative of `anyOf` when the schema has no type of its own.
/// - `example` becomes `examples`, which the generator uses when the schema accepts it.
/// - `format: "enum"` (Google's mark of a string enum) goes; other formats stay.
/// - `propertyOrdering` is checked and dropped: the host writes generated documents with their
///   members in sorted order, so no order could be kept.
/// - Counts (`minItems`, `maxLength`, ...) are int64s, which proto's JSON mapping also reads from
///   decimal strings.
/// - Any other member is refused as Google refuses it (`Unknown name "const" at ...`).
///
/// Problems name the member by its proto path; a property's path names it by its key
/// (`response_schema.properties["city"].type`).
enum GeminiSchema {
    /// JSON Schema for the Google schema `value`, found at the proto path `path` of a `request`.
    static func jsonSchema(_ value: JSONValue, path: String, request: String) throws(ReplyError) -> JSONValue {
        try translate(try GeminiObject.object(value, path: path, request: request))
    }

    /// The members of `Schema`, by their lowerCamelCase names.
    private static let memberNames = [
        "type", "format", "title", "description", "nullable", "enum", "maxItems", "minItems", "properties", "required",
        "minProperties", "maxProperties", "minLength", "maxLength", "pattern", "example", "anyOf", "propertyOrdering",
        "default", "items", "minimum", "maximum",
    ]
    /// Both spellings of every member, as a request may use either.
    private static let spellings = Set(memberNames + memberNames.map(GeminiObject.protoName))
    private static let counts = ["minItems", "maxItems", "minLength", "maxLength", "minProperties", "maxProperties"]
    private static let typeNames = [
        "STRING": "string", "NUMBER": "number", "INTEGER": "integer", "BOOLEAN": "boolean", "ARRAY": "array",
        "OBJECT": "object", "NULL": "null",
    ]

    private static func translate(_ schema: GeminiObject) throws(ReplyError) -> JSONValue {
        if let unknown = schema.members.keys.sorted().first(where: { !spellings.contains($0) }) {
            throw GeminiErrors.invalidArgument(
                "Invalid JSON payload received. Unknown name \"\(unknown)\" at '\(schema.path)': Cannot find field.", param: schema.path)
        }
        var result: [String: JSONValue] = [:]
        for name in ["title", "description", "pattern"] {
            if let text = try schema.string(name) { result[name] = .string(text) }
        }
        if let format = try schema.string("format"), format != "enum" { result["format"] = .string(format) }
        if schema["enum"] != nil { result["enum"] = .array(try schema.strings("enum").map(JSONValue.string)) }
        if schema["required"] != nil { result["required"] = .array(try schema.strings("required").map(JSONValue.string)) }
        _ = try schema.strings("propertyOrdering")
        if let example = schema["example"] { result["examples"] = [example] }
        if let value = schema["default"] { result["default"] = value }
        for name in ["minimum", "maximum"] {
            if let bound = try number(schema, name) { result[name] = bound }
        }
        for name in counts {
            if let count = try count(schema, name) { result[name] = .integer(count) }
        }
        if let properties = try schema.object("properties") {
            var translated: [String: JSONValue] = [:]
            for (key, value) in properties.members {
                translated[key] = try translate(
                    try GeminiObject.object(value, path: "\(properties.path)[\"\(key)\"]", request: schema.request))
            }
            result["properties"] = .object(translated)
        }
        if let items = try schema.object("items") { result["items"] = try translate(items) }
        if schema["anyOf"] != nil {
            var alternatives: [JSONValue] = []
            for alternative in try schema.objects("anyOf") { alternatives.append(try translate(alternative)) }
            result["anyOf"] = .array(alternatives)
        }
        let type = try self.type(of: schema)
        if let type { result["type"] = .string(type) }
        if try schema.bool("nullable") == true { addNull(to: &result, type: type) }
        return .object(result)
    }

    /// The JSON Schema name of the schema's `type`, or `nil` when it has none.
    private static func type(of schema: GeminiObject) throws(ReplyError) -> String? {
        guard let value = schema["type"] else { return nil }
        guard case .string(let name) = value, name == "TYPE_UNSPECIFIED" || typeNames[name] != nil else {
            throw GeminiObject.invalidValue(
                schema.path(of: "type"), "type.googleapis.com/google.ai.generativelanguage.v1beta.Type", value)
        }
        return typeNames[name]
    }

    /// `nullable: true`: the schema accepts `null` too.
    private static func addNull(to schema: inout [String: JSONValue], type: String?) {
        if let type, type != "null" {
            schema["type"] = [.string(type), "null"]
        } else if case .array(let alternatives) = schema["anyOf"], type == nil {
            schema["anyOf"] = .array(alternatives + [["type": "null"]])
        }
        if case .array(let values) = schema["enum"] { schema["enum"] = .array(values + [.null]) }
    }

    /// A number member, as it was written.
    private static func number(_ schema: GeminiObject, _ name: String) throws(ReplyError) -> JSONValue? {
        guard let value = schema[name] else { return nil }
        guard value.boolValue == nil, value.doubleValue != nil else {
            throw GeminiObject.invalidValue(schema.path(of: name), "TYPE_DOUBLE", value)
        }
        return value
    }

    /// An int64 count: a number, or a decimal string as proto's JSON mapping writes int64s.
    private static func count(_ schema: GeminiObject, _ name: String) throws(ReplyError) -> Int64? {
        guard let value = schema[name] else { return nil }
        let count: Int64?
        switch value {
        case .integer(let number): count = number
        case .number(let number): count = Int64(exactly: number)
        case .string(let text): count = Int64(text)
        default: count = nil
        }
        guard let count else { throw GeminiObject.invalidValue(schema.path(of: name), "TYPE_INT64", value) }
        guard count >= 0 else { throw schema.invalid(schema.path(of: name), "must be non-negative.") }
        return count
    }
}
