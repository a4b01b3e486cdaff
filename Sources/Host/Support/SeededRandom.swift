/// SplitMix64: small, fast, and the same sequence for the same seed on every machine.
struct SeededRandom {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }

    /// A double in [0, 1).
    mutating func unit() -> Double {
        Double(next() >> 11) / Double(UInt64(1) << 53)
    }

    /// The FNV-1a hash of `text`, used to seed from a request or a word.
    static func hash(_ text: String) -> UInt64 {
        var hash = hashStart
        hash.add(text)
        return hash
    }

    /// Where an FNV-1a hash begins; `add(_:)` feeds it text piece by piece, which hashes as the
    /// pieces joined would.
    static let hashStart: UInt64 = 0xcbf2_9ce4_8422_2325
}

extension UInt64 {
    /// Feeds `text` to the FNV-1a hash this value holds.
    mutating func add(_ text: String) {
        for byte in text.utf8 {
            self ^= UInt64(byte)
            self &*= 0x100_0000_01b3
        }
    }
}
