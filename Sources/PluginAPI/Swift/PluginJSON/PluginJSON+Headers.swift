extension PluginJSON {
    /// Headers as they cross the plugin ABI, `[{"name": ..., "value": ...}]`: the `Codable` form
    /// of `[Header]`, written by hand because every request and response a provider plugin
    /// handles carries some.
    package static func headerBytes(_ headers: [Header]) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 64 * headers.count + 2)
        write(headers, into: &writer)
        return writer.bytes
    }

    static func write(_ headers: [Header], into writer: inout JSONWriter) {
        writer.array { writer in
            for header in headers {
                writer.object { writer in
                    writer.member("name", header.name)
                    writer.member("value", header.value)
                }
            }
        }
    }

    /// Reads what ``headerBytes(_:)`` writes, as `decode([Header].self, from:)` reads it, with
    /// the same refusals.
    package static func headers(from bytes: some Collection<UInt8>) throws(PluginJSONError) -> [Header] {
        let document = try parse(bytes)
        guard case .array(let elements) = document else {
            throw PluginJSONError(message: "wrong type at the top level: expected an array, found \(document.typeName)")
        }
        var headers: [Header] = []
        headers.reserveCapacity(elements.count)
        for element in elements {
            guard case .object(let members) = element, case .string(let name)? = members["name"],
                case .string(let value)? = members["value"]
            else {
                // The generic reading words the refusal, with its place.
                return try decode([Header].self, from: document, at: "")
            }
            headers.append(Header(name: name, value: value))
        }
        return headers
    }
}
