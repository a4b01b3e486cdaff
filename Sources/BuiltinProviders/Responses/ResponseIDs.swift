import LyrebirdPluginAPI
import Synchronization

/// Random ids in the Responses API's shapes: `resp_`, `msg_`, `fc_`, `fco_` and 48 hex digits.
///
/// Ids only need to be unique, not secret, so they come from a SplitMix64 sequence seeded once
/// from the system's entropy rather than a system call per id.
enum ResponseIDs {
    private static let hexDigits = Array("0123456789abcdef".utf8)
    private static let counter = Atomic<UInt64>(UInt64.random(in: .min ... .max))

    /// `prefix` followed by 48 random hex digits.
    static func make(_ prefix: String) -> String {
        var id = prefix
        id.reserveCapacity(prefix.utf8.count + 48)
        for _ in 0..<3 {
            var bits = next()
            for _ in 0..<16 {
                id.unicodeScalars.append(Unicode.Scalar(hexDigits[Int(bits & 0xF)]))
                bits >>= 4
            }
        }
        return id
    }

    private static func next() -> UInt64 {
        SeededRandom.mix(counter.wrappingAdd(SeededRandom.increment, ordering: .relaxed).newValue)
    }
}
