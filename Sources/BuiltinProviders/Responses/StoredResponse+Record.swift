import LyrebirdPluginAPI

extension StoredResponse {
    /// The response as the host's store keeps it: one JSON object with the Response the client
    /// received and the items listed by `input_items` and continued from.
    var record: [UInt8] {
        var writer = JSONWriter(reservingCapacity: body.count + 256)
        writer.object { writer in
            writer.key("body")
            writer.raw(body)
            writer.member(
                "input",
                array: { writer in
                    for item in input { item.write(into: &writer) }
                })
            writer.member(
                "output",
                array: { writer in
                    for item in output { item.write(into: &writer) }
                })
        }
        return writer.bytes
    }

    /// Reads a response the store kept; `nil` for bytes that are not one. Items come back as
    /// a client would send them again: a reasoning item, say, keeps its members but is no
    /// longer read as reasoning.
    init?(record: [UInt8]) {
        guard case .object(let members)? = try? JSONValue.parse(record), let body = members["body"],
            let input = try? ResponsesInputDecoder.decode(members["input"]),
            let output = try? ResponsesInputDecoder.decode(members["output"])
        else { return nil }
        self.init(body: Array(body.serialized.utf8), input: input, output: output)
    }
}
