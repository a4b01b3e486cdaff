import LyrebirdPluginAPI
import Testing

/// Reads AWS event-stream messages back, checking both checksums with a CRC-32 computed here,
/// bit by bit, independently of the provider's table-driven one.
enum EventStreamReader {
    /// One message: its string headers and its JSON payload.
    struct Message {
        let headers: [String: String]
        let payload: JSONValue

        var eventType: String? { headers[":event-type"] }
    }

    /// CRC-32 (IEEE, reflected polynomial 0xEDB88320), one bit at a time.
    static func crc32(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 {
                crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1
            }
        }
        return ~crc
    }

    /// Every message of `bytes`, which must hold whole messages only.
    static func messages(_ bytes: [UInt8]) throws -> [Message] {
        var messages: [Message] = []
        var offset = 0
        while offset < bytes.count {
            let total = Int(try #require(uint32(bytes, offset)))
            let headersLength = Int(try #require(uint32(bytes, offset + 4)))
            try #require(total >= 16 + headersLength && offset + total <= bytes.count, "a message overruns the stream")
            let message = Array(bytes[offset..<offset + total])
            #expect(uint32(message, 8) == crc32(message[0..<8]), "prelude checksum")
            #expect(uint32(message, total - 4) == crc32(message[0..<total - 4]), "message checksum")
            var headers: [String: String] = [:]
            var position = 12
            while position < 12 + headersLength {
                let nameLength = Int(message[position])
                let name = String(decoding: message[position + 1..<position + 1 + nameLength], as: UTF8.self)
                position += 1 + nameLength
                #expect(message[position] == 7, "header \(name) is not a string")
                let valueLength = Int(message[position + 1]) << 8 | Int(message[position + 2])
                headers[name] = String(decoding: message[position + 3..<position + 3 + valueLength], as: UTF8.self)
                position += 3 + valueLength
            }
            #expect(position == 12 + headersLength)
            messages.append(Message(headers: headers, payload: try JSONValue.parse(message[position..<total - 4])))
            offset += total
        }
        return messages
    }

    private static func uint32(_ bytes: [UInt8], _ offset: Int) -> UInt32? {
        guard offset >= 0, offset + 4 <= bytes.count else { return nil }
        return bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }
}
