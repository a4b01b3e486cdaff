extension Fault.Split {
    /// The bytes as they are sent: with lines ending in `\r\n` when the split falls between
    /// the two (`text` says the bytes are text, where a line end can change).
    func prepared(_ bytes: [UInt8], text: Bool) -> [UInt8] {
        guard case .betweenCRLF = boundary, text else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 16)
        var previous: UInt8 = 0
        for byte in bytes {
            if byte == 0x0A && previous != 0x0D { out.append(0x0D) }
            out.append(byte)
            previous = byte
        }
        return out
    }

    /// One write cut into the pieces it leaves in, in order; together they are `bytes`.
    func pieces(of bytes: [UInt8]) -> [[UInt8]] {
        guard bytes.count > 1 else { return [bytes] }
        var cuts: [Int] = []
        switch boundary {
        case .bytes(let size):
            cuts = Array(stride(from: max(1, size), to: bytes.count, by: max(1, size)))
        case .insideCharacter:
            // After the first byte of the first character of more than one byte: a decoder that
            // decodes each piece on its own breaks the character.
            if let lead = bytes.firstIndex(where: { $0 >= 0xC0 }), lead + 1 < bytes.count {
                cuts = [lead + 1]
            } else {
                cuts = [bytes.count / 2]
            }
        case .betweenCRLF:
            for index in bytes.indices.dropLast() where bytes[index] == 0x0D && bytes[index + 1] == 0x0A { cuts.append(index + 1) }
            if cuts.isEmpty { cuts = [bytes.count / 2] }
        }
        var pieces: [[UInt8]] = []
        var start = 0
        for cut in cuts where cut > start && cut < bytes.count {
            pieces.append(Array(bytes[start..<cut]))
            start = cut
        }
        pieces.append(Array(bytes[start...]))
        return pieces
    }
}
