/// CRC-32 as IEEE 802.3 (and zlib, and AWS's event-stream framing) defines it: the reflected
/// polynomial 0xEDB88320, starting from all ones and inverted at the end. The checksum of the
/// ASCII text `123456789` is 0xCBF43926.
struct CRC32 {
    /// The register before its final inversion.
    private var register: UInt32 = 0xFFFF_FFFF

    init() {}

    /// The checksum of everything added so far.
    var checksum: UInt32 { register ^ 0xFFFF_FFFF }

    /// Adds `bytes` to the checksum.
    mutating func add(_ bytes: ArraySlice<UInt8>) {
        var register = self.register
        Self.table.withUnsafeBufferPointer { table in
            bytes.withUnsafeBufferPointer { bytes in
                for byte in bytes {
                    register = table[Int((register ^ UInt32(byte)) & 0xFF)] ^ (register >> 8)
                }
            }
        }
        self.register = register
    }

    /// The checksum of `bytes`.
    static func checksum(of bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc = CRC32()
        crc.add(bytes)
        return crc.checksum
    }

    /// The register's next value for each low byte, one byte at a time instead of eight bits:
    /// built once, on first use.
    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 {
            value = value & 1 == 1 ? (value >> 1) ^ 0xEDB8_8320 : value >> 1
        }
        return value
    }
}
