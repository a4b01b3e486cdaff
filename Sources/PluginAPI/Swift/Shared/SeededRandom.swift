/// SplitMix64: small, fast, and the same sequence for the same seed on every machine. The host,
/// the built-in providers and Lyrebird's own plugins draw every reproducible number from it
/// (generated documents, embeddings, log probabilities, ids); it is `package`, not public, so
/// that it can change without breaking a plugin written outside Lyrebird.
package struct SeededRandom {
    /// What the state grows by at each step: the golden ratio in 64 bits.
    package static let increment: UInt64 = 0x9E37_79B9_7F4A_7C15

    private var state: UInt64

    package init(seed: UInt64) {
        state = seed
    }

    package mutating func next() -> UInt64 {
        state &+= Self.increment
        return Self.mix(state)
    }

    /// A double in [0, 1).
    package mutating func unit() -> Double {
        Double(next() >> 11) / Double(UInt64(1) << 53)
    }

    /// The number a state stands for: SplitMix64's finishing mix, for sequences whose state is
    /// kept elsewhere (an atomic counter shared by threads).
    package static func mix(_ state: UInt64) -> UInt64 {
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }

    /// The FNV-1a hash of `text`, used to seed from a request or a word.
    package static func hash(_ text: some StringProtocol) -> UInt64 {
        var hash = FNV1a()
        hash.add(text)
        return hash.value
    }
}

/// The 64-bit FNV-1a hash, fed piece by piece: the pieces hash as they would joined.
package struct FNV1a {
    package private(set) var value: UInt64

    /// A hash of nothing yet; a `seed` other than 0 starts a different family of hashes.
    package init(seed: UInt64 = 0) {
        value = 0xcbf2_9ce4_8422_2325 ^ (seed &* SeededRandom.increment)
    }

    package mutating func add(_ text: some StringProtocol) {
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value &*= 0x100_0000_01b3
        }
    }
}
