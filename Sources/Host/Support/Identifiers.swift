import LyrebirdPluginAPI
import Synchronization

/// Random ids in the shapes the real APIs use (`req_<hex>`, `call_<alphanumerics>`).
///
/// Ids only need to be unique and unpredictable enough for a mock, not secret, so they come from
/// a SplitMix64 sequence seeded once from the system's entropy: a system call per character
/// (what `randomElement()` costs) showed up as a tenth of the request path's CPU.
enum Identifiers {
    private static let alphanumerics = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
    private static let hexDigits = Array("0123456789abcdef".utf8)
    private static let counter = Atomic<UInt64>(UInt64.random(in: .min ... .max))

    /// The next 64 random bits.
    static func next() -> UInt64 {
        SeededRandom.mix(counter.wrappingAdd(SeededRandom.increment, ordering: .relaxed).newValue)
    }

    /// `length` random letters and digits.
    static func alphanumeric(_ length: Int) -> String {
        String(unsafeUninitializedCapacity: length) { buffer in
            var bits = next()
            var left = 10  // 62^10 < 2^64: ten digits per draw
            for index in 0..<length {
                if left == 0 {
                    bits = next()
                    left = 10
                }
                buffer[index] = alphanumerics[Int(bits % 62)]
                bits /= 62
                left -= 1
            }
            return length
        }
    }

    /// `length` random lower-case hexadecimal digits.
    static func hex(_ length: Int) -> String {
        String(unsafeUninitializedCapacity: length) { buffer in
            var bits = next()
            for index in 0..<length {
                if index > 0 && index % 16 == 0 { bits = next() }
                buffer[index] = hexDigits[Int(bits & 0xF)]
                bits >>= 4
            }
            return length
        }
    }

    static func requestID() -> String { "req_" + hex(32) }
    static func toolCallID() -> String { "call_" + alphanumeric(24) }
}
