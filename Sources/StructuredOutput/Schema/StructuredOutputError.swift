import LyrebirdPluginAPI

/// Why no document could be made, or a document checked, for a schema.
package enum StructuredOutputError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The schema is not one Lyrebird understands: a `$ref` that leads nowhere, a keyword with a
    /// value of the wrong type, a reference cycle with no value in between.
    case invalidSchema(String)
    /// The schema asks for more than `StructuredOutputLimits` allows.
    case limitExceeded(String)
    /// No value satisfies the schema at this place within the limits; the generator tries the
    /// next alternative when there is one.
    case unsatisfiable(at: String, String)

    /// Whether the generator may try another alternative after this failure.
    package var isRecoverable: Bool {
        if case .unsatisfiable = self { return true }
        return false
    }

    package var description: String {
        switch self {
        case .invalidSchema(let reason): return reason
        case .limitExceeded(let reason): return reason
        case .unsatisfiable(let pointer, let reason): return "\(JSONPointer.display(pointer)): \(reason)"
        }
    }

    /// The 400 a client gets when its response format's schema cannot be served.
    package func replyError(schemaName: String) -> ReplyError {
        let code: String
        switch self {
        case .invalidSchema, .unsatisfiable: code = "invalid_json_schema"
        case .limitExceeded: code = "schema_too_complex"
        }
        return ReplyError.invalidParameter(
            nil, "Invalid schema for response format \(schemaName.debugDescription): \(description)", code: code)
    }
}
