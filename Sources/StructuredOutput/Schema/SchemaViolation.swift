/// One way a document fails its schema: where, and what.
package struct SchemaViolation: Sendable, Hashable, CustomStringConvertible {
    /// The JSON Pointer of the value at fault; `""` is the whole document.
    let pointer: String
    let message: String

    package var description: String { "\(JSONPointer.display(pointer)): \(message)" }
}
