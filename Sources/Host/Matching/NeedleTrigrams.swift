/// The three-byte pieces of every `contains` value of one field, for ranking near misses: how
/// much of each value a request's text holds, found for every value in one pass over the text.
/// A typo costs a value only the pieces it touches, so `hellp there` still comes closest to
/// `hello there`.
struct NeedleTrigrams: Sendable {
    /// For each piece, the values that hold it.
    private let postings: [UInt32: [Int32]]
    /// How many distinct pieces each value has.
    private let pieceCounts: [Int32]

    /// A piece more values than this hold is left out: it tells them apart no better than
    /// their rarer pieces do, and counting it on a miss would cost a pass over all of them.
    static let commonPiece = 512

    /// Indexes `values` (lower-cased bytes), numbered by their place.
    init(_ values: [[UInt8]]) {
        var postings: [UInt32: [Int32]] = [:]
        for (number, value) in values.enumerated() {
            for piece in Self.pieces(of: value) { postings[piece, default: []].append(Int32(number)) }
        }
        postings = postings.filter { $0.value.count <= Self.commonPiece }
        var pieceCounts = [Int32](repeating: 0, count: values.count)
        for holders in postings.values {
            for value in holders { pieceCounts[Int(value)] += 1 }
        }
        self.postings = postings
        self.pieceCounts = pieceCounts
    }

    var isEmpty: Bool { pieceCounts.isEmpty }

    /// For each value, the share of its pieces that `texts` (lower-cased bytes) hold, 0 to 1.
    func shares(in texts: [[UInt8]]) -> [Double] {
        var held = [Int32](repeating: 0, count: pieceCounts.count)
        var seen = Set<UInt32>()
        for text in texts {
            for piece in Self.pieces(of: text) where seen.insert(piece).inserted {
                for value in postings[piece] ?? [] { held[Int(value)] += 1 }
            }
        }
        return zip(held, pieceCounts).map { $1 == 0 ? 0 : Double($0) / Double($1) }
    }

    /// The distinct three-byte runs of `bytes`; a shorter text is one piece.
    private static func pieces(of bytes: [UInt8]) -> Set<UInt32> {
        guard bytes.count >= 3 else {
            return [bytes.reduce(UInt32(0xFF00_0000)) { $0 << 8 | UInt32($1) }]
        }
        var pieces = Set<UInt32>(minimumCapacity: bytes.count)
        for start in 0..<(bytes.count - 2) {
            pieces.insert(UInt32(bytes[start]) << 16 | UInt32(bytes[start + 1]) << 8 | UInt32(bytes[start + 2]))
        }
        return pieces
    }
}
