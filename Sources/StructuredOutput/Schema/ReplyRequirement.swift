import LyrebirdPluginAPI

/// What a request's response format asks of the reply text.
package enum ReplyRequirement: Sendable, Hashable {
    /// Any JSON object (`json_object`, or `json_schema` without a schema).
    case jsonObject
    /// A JSON document the schema accepts.
    case schema(name: String, schema: JSONValue)

    /// The requirement of `format`; `nil` for plain text.
    package init?(_ format: ResponseFormat) {
        switch format {
        case .text: return nil
        case .jsonObject, .jsonSchema(_, nil): self = .jsonObject
        case .jsonSchema(let name, let schema?): self = .schema(name: name, schema: schema)
        }
    }

    /// The problems of `text` against this requirement, as sentences for the journal and the
    /// log; none when it meets it.
    package func problems(of text: String, limits: StructuredOutputLimits) -> [String] {
        let document: JSONValue
        do {
            document = try JSONValue.parse(text)
        } catch {
            return ["the reply text is not JSON, as \(label) asks: \(error.message)"]
        }
        guard case .schema(let name, let schema) = self else {
            guard case .object = document else {
                return ["the reply text is a JSON \(document.typeName), not the object \(label) asks for"]
            }
            return []
        }
        var validator = JSONSchemaValidator(schema: schema, limits: limits)
        do {
            return try validator.problems(of: document).map { "the reply text does not match the schema \(name.debugDescription) at \($0)" }
        } catch {
            return ["the reply text could not be checked against the schema \(name.debugDescription): \(error)"]
        }
    }

    /// The requirement as a message names it.
    var label: String {
        switch self {
        case .jsonObject: return "json_object"
        case .schema(let name, _): return "the schema \(name.debugDescription)"
        }
    }

    /// Roughly the bytes the requirement holds, for cache limits.
    package var weight: Int {
        switch self {
        case .jsonObject: return 0
        case .schema(let name, let schema): return name.utf8.count + schema.serialized.utf8.count
        }
    }
}
