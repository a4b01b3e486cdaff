import Foundation
import FuzzSupport
import LyrebirdPluginAPI

/// Reads AWS event-stream messages as a client would and requires each to be whole and right.
enum EventStreamCheck {
    /// CRC-32 (IEEE, reflected polynomial 0xEDB88320), one bit at a time: independent of the
    /// provider's table.
    static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    /// Every message in `bytes`: lengths that add up, both checksums, string headers with
    /// `:message-type` and an event or exception type, and a JSON payload (for `chunk` events,
    /// `bytes` holding base64 of JSON).
    static func requireMessages(_ bytes: [UInt8], request: [UInt8]) {
        var offset = 0
        var count = 0
        while offset < bytes.count {
            require(bytes.count - offset >= 16, "a truncated message at \(offset) for \(excerpt(request))")
            let total = Int(uint32(bytes, offset))
            let headersLength = Int(uint32(bytes, offset + 4))
            require(total >= 16 + headersLength && offset + total <= bytes.count, "message lengths that do not fit for \(excerpt(request))")
            let message = bytes[offset..<offset + total]
            require(uint32(bytes, offset + 8) == crc32(message.prefix(8)), "a wrong prelude checksum for \(excerpt(request))")
            require(uint32(bytes, offset + total - 4) == crc32(message.dropLast(4)), "a wrong message checksum for \(excerpt(request))")
            var headers: [String: String] = [:]
            var position = offset + 12
            let headersEnd = position + headersLength
            while position < headersEnd {
                let nameLength = Int(bytes[position])
                require(position + 1 + nameLength + 3 <= headersEnd, "a header overruns the headers")
                let name = String(decoding: bytes[position + 1..<position + 1 + nameLength], as: UTF8.self)
                position += 1 + nameLength
                require(bytes[position] == 7, "header \(name) is not a string")
                let valueLength = Int(bytes[position + 1]) << 8 | Int(bytes[position + 2])
                require(position + 3 + valueLength <= headersEnd, "a header value overruns the headers")
                require(headers[name] == nil, "header \(name) twice")
                headers[name] = String(decoding: bytes[position + 3..<position + 3 + valueLength], as: UTF8.self)
                position += 3 + valueLength
            }
            let kind = headers[":message-type"]
            require(
                kind == "event" ? headers[":event-type"] != nil : kind == "exception" && headers[":exception-type"] != nil,
                "headers \(headers)")
            let payload = Array(bytes[headersEnd..<offset + total - 4])
            let json = try? JSONValue.parse(payload)
            require(json != nil, "a payload that is not JSON: \(excerpt(payload))")
            if headers[":event-type"] == "chunk" {
                let inner = json?["bytes"]?.stringValue.flatMap { Data(base64Encoded: $0) }
                require(inner.flatMap { try? JSONValue.parse(Array($0)) } != nil, "a chunk whose bytes are not base64 JSON")
            }
            offset += total
            count += 1
        }
        require(count > 0, "an empty stream for \(excerpt(request))")
    }

    private static func uint32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }
}
