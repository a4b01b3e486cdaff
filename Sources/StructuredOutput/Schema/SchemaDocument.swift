import Foundation
import LyrebirdPluginAPI

/// A whole schema, the place its `$ref`s point into.
struct SchemaDocument: Sendable {
    let root: JSONValue

    /// The schema `reference` points to: `#` for the whole schema or `#/...`, a JSON Pointer
    /// into it (which covers `#/$defs/...` and `#/definitions/...`).
    ///
    /// - Throws: `.invalidSchema` for a reference that leads nowhere or out of the schema.
    func resolve(_ reference: String) throws(StructuredOutputError) -> JSONValue {
        guard reference.hasPrefix("#"), let fragment = String(reference.dropFirst()).removingPercentEncoding,
            fragment.isEmpty || fragment.hasPrefix("/")
        else {
            throw .invalidSchema(
                "$ref \(reference.debugDescription) is not supported: only references into the schema itself (#/...) are")
        }
        var node = root
        for token in JSONPointer.tokens(of: fragment) {
            let next: JSONValue?
            switch node {
            case .object(let members): next = members[token]
            case .array(let elements): next = Int(token).flatMap { elements.indices.contains($0) ? elements[$0] : nil }
            default: next = nil
            }
            guard let next else { throw .invalidSchema("$ref \(reference.debugDescription) points to nothing in the schema") }
            node = next
        }
        return node
    }
}
