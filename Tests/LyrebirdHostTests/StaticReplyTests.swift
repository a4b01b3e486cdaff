import Testing

@testable import LyrebirdHost

@Suite struct StaticReplyTests {
    /// Non-ASCII text with a combining accent: a piece never cuts a character in two.
    private let word = "cafe\u{301}-\u{FFFD}-\u{1F426} "

    @Test func piecesReassembleAndKeepTheirSizes() {
        let text = String(repeating: word, count: 3_000)
        for size in [1, 7, 16, 1_000] {
            let pieces = StaticReply.split(text, size: size, atWords: false)
            #expect(pieces.joined() == text)
            #expect(pieces.dropLast().allSatisfy { $0.count == size }, "size \(size)")
            #expect(pieces.last.map { (1...size).contains($0.count) } == true)
        }
    }

    @Test func atWordsAPieceEndsAfterWhitespaceOrAtTwiceTheSize() {
        let text = String(repeating: word, count: 3_000) + String(repeating: "x", count: 50)
        let pieces = StaticReply.split(text, size: 5, atWords: true)
        #expect(pieces.joined() == text)
        for piece in pieces.dropLast() {
            #expect(piece.count == 10 || (5..<10).contains(piece.count) && piece.last?.isWhitespace == true, "\(piece)")
        }
    }

    @Test func aLongReplyIsCutInPiecesOfAMillionCharacters() {
        // Pieces this large used to cost the square of their length.
        let text = String(repeating: word, count: 200_000)
        let pieces = StaticReply.split(text, size: 1_000_000, atWords: false)
        #expect(pieces.map(\.count) == [1_000_000, 800_000])
        #expect(pieces.joined() == text)
    }

    @Test func shortTextIsOnePiece() {
        #expect(StaticReply.split(word, size: 100, atWords: true) == [word])
        #expect(StaticReply.split(word, size: nil, atWords: true) == [word])
    }
}
