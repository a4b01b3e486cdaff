import LyrebirdPluginAPI

/// A path into a JSON request body, as fixtures write it: `$.temperature`,
/// `$.messages[0].content`, `$.generationConfig.thinkingConfig.includeThoughts` (the `$.` may be
/// left out). Members by name after dots or in brackets (`$['odd.name']`), array elements by
/// index in brackets, counted from the end when negative (`$.messages[-1].role`).
public struct JSONPath: Hashable, Sendable {
    enum Step: Hashable, Sendable {
        case member(String)
        case element(Int)
    }

    /// The path as written.
    public let source: String
    let steps: [Step]

    /// Reads `source`; throws a message when it is not a path.
    public init(_ source: String) throws(JSONPathError) {
        self.source = source
        var steps: [Step] = []
        var rest = Substring(source)
        if rest.hasPrefix("$") { rest = rest.dropFirst() }
        if !rest.isEmpty && !rest.hasPrefix(".") && !rest.hasPrefix("[") { rest = "." + rest }
        while let first = rest.first {
            if first == "." {
                rest = rest.dropFirst()
                let name = rest.prefix { $0 != "." && $0 != "[" }
                guard !name.isEmpty else { throw JSONPathError("a member name is missing after '.' in \(source.debugDescription)") }
                steps.append(.member(String(name)))
                rest = rest.dropFirst(name.count)
            } else if first == "[" {
                guard let close = rest.firstIndex(of: "]") else { throw JSONPathError("a '[' is not closed in \(source.debugDescription)") }
                let inside = rest[rest.index(after: rest.startIndex)..<close]
                if let index = Int(inside) {
                    steps.append(.element(index))
                } else if inside.count >= 2, let quote = inside.first, quote == "'" || quote == "\"", inside.last == quote {
                    steps.append(.member(String(inside.dropFirst().dropLast())))
                } else {
                    throw JSONPathError("[\(inside)] in \(source.debugDescription) is neither an index nor a quoted name")
                }
                rest = rest[rest.index(after: close)...]
            } else {
                throw JSONPathError("unexpected \(String(first).debugDescription) in \(source.debugDescription)")
            }
        }
        self.steps = steps
    }

    /// The value at the path in `document`, or `nil` when a step finds nothing.
    public func value(in document: JSONValue) -> JSONValue? {
        var current = document
        for step in steps {
            switch (step, current) {
            case (.member(let name), .object(let members)):
                guard let next = members[name] else { return nil }
                current = next
            case (.element(let index), .array(let elements)):
                let position = index < 0 ? elements.count + index : index
                guard elements.indices.contains(position) else { return nil }
                current = elements[position]
            default:
                return nil
            }
        }
        return current
    }
}

/// Why a JSON path could not be read.
public struct JSONPathError: Error, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
