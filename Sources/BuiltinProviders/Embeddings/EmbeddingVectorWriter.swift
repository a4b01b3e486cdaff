/// Writes an embedding vector as the real API does, straight into a response's bytes: a JSON
/// array of float32 numbers, or (`encoding_format: "base64"`) a string holding the float32
/// numbers little-endian, 4 bytes each, base64 with padding.
///
/// Both forms go through float32, so a client gets the same numbers either way.
enum EmbeddingVectorWriter {
    /// `[0.0023064255,-0.009327292,...]`: each number the shortest text that reads back as the
    /// same float32; `null` for one that is not finite as a float32, as `JSONWriter` writes them.
    static func appendFloats(_ vector: [Double], to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "["))
        for (index, value) in vector.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            let number = Float(value)
            if number.isFinite {
                bytes += number.description.utf8
            } else {
                bytes += null
            }
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// `"AACAPwAAAMAAAAA/"` for `[1.0, -2.0, 0.5]`.
    static func appendBase64(_ vector: [Double], to bytes: inout [UInt8]) {
        var raw: [UInt8] = []
        raw.reserveCapacity(vector.count * 4)
        for value in vector {
            let bits = Float(value).bitPattern
            raw += [
                UInt8(truncatingIfNeeded: bits), UInt8(truncatingIfNeeded: bits >> 8), UInt8(truncatingIfNeeded: bits >> 16),
                UInt8(bits >> 24),
            ]
        }
        bytes.reserveCapacity(bytes.count + (raw.count + 2) / 3 * 4 + 2)
        bytes.append(UInt8(ascii: "\""))
        var index = 0
        while index + 3 <= raw.count {
            let group = UInt32(raw[index]) << 16 | UInt32(raw[index + 1]) << 8 | UInt32(raw[index + 2])
            bytes += [
                alphabet[Int(group >> 18)], alphabet[Int(group >> 12 & 63)], alphabet[Int(group >> 6 & 63)], alphabet[Int(group & 63)],
            ]
            index += 3
        }
        switch raw.count - index {
        case 1:
            let group = UInt32(raw[index]) << 16
            bytes += [alphabet[Int(group >> 18)], alphabet[Int(group >> 12 & 63)], UInt8(ascii: "="), UInt8(ascii: "=")]
        case 2:
            let group = UInt32(raw[index]) << 16 | UInt32(raw[index + 1]) << 8
            bytes += [alphabet[Int(group >> 18)], alphabet[Int(group >> 12 & 63)], alphabet[Int(group >> 6 & 63)], UInt8(ascii: "=")]
        default:
            break
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static let null = Array("null".utf8)
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
}
