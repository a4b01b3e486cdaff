/// Server-sent event framing.
enum ServerSentEvents {
    /// `data: <payload>` and a blank line.
    static func data(_ payload: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = Array("data: ".utf8)
        bytes.reserveCapacity(payload.count + 8)
        bytes += payload
        bytes += [0x0A, 0x0A]
        return bytes
    }

    /// `event: <name>`, `data: <payload>` and a blank line.
    static func event(_ name: String, _ payload: [UInt8]) -> [UInt8] {
        Array("event: \(name)\n".utf8) + data(payload)
    }

    static let done: [UInt8] = Array("data: [DONE]\n\n".utf8)
}
