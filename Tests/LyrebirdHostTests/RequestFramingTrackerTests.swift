import NIOCore
import Testing

@testable import LyrebirdHost

@Suite struct RequestFramingTrackerTests {
    private func tracker(limit: Int = 100) -> RequestFramingTracker {
        RequestFramingTracker(maxBodyBytes: limit)
    }

    /// Whether the tracker accepts `text`.
    private func consume(_ tracker: inout RequestFramingTracker, _ text: String) -> Bool {
        tracker.consume(ByteBuffer(string: text)) == nil
    }

    @Test func followsHeadsAndFixedBodiesAcrossReads() {
        var tracker = tracker()
        #expect(consume(&tracker, "\r\n"))
        #expect(tracker.position == .betweenRequests)
        #expect(consume(&tracker, "POST / HTTP/1.1\r\nHost: x\r"))
        #expect(tracker.position == .inHead)
        tracker.expect(.length(5))
        #expect(consume(&tracker, "\nContent-Length: 5\r\n\r\nhel"))
        #expect(tracker.position == .inBody)
        #expect(consume(&tracker, "lo"))
        #expect(tracker.position == .betweenRequests)
        #expect(consume(&tracker, "G"))
        #expect(tracker.position == .inHead)
    }

    @Test func followsChunkedBodiesWithExtensionsAndTrailers() {
        var tracker = tracker()
        tracker.expect(.chunked)
        tracker.expect(.none)
        let request =
            "POST / HTTP/1.1\r\n\r\n5;name=value\r\nhello\r\n1A\r\n" + String(repeating: "x", count: 26) + "\r\n0\r\nx-t: 1\r\n\r\n"
        // Byte by byte, then all at once: the reads' boundaries do not matter.
        for byte in request.utf8 { #expect(consume(&tracker, String(UnicodeScalar(byte)))) }
        #expect(tracker.position == .betweenRequests)
        #expect(consume(&tracker, "GET / HTTP/1.1\r\n\r\n"))
        #expect(tracker.position == .betweenRequests)

        var whole = self.tracker()
        whole.expect(.chunked)
        #expect(consume(&whole, request))
        #expect(whole.position == .betweenRequests)
    }

    @Test func aChunkOverTheLimitIsCaughtOnItsSizeLine() {
        var tracker = tracker(limit: 100)
        tracker.expect(.chunked)
        #expect(consume(&tracker, "POST / HTTP/1.1\r\n\r\n6"))
        // 0x65 = 101: refused on its second digit, before the line ends.
        #expect(tracker.consume(ByteBuffer(string: "5")) == .bodyTooLarge)

        var sizes = self.tracker(limit: 100)
        sizes.expect(.chunked)
        #expect(consume(&sizes, "POST / HTTP/1.1\r\n\r\n32\r\n" + String(repeating: "x", count: 50) + "\r\n"))
        #expect(!consume(&sizes, "33\r\n"))

        var huge = self.tracker(limit: 100)
        huge.expect(.chunked)
        #expect(!consume(&huge, "POST / HTTP/1.1\r\n\r\nFFFFFFFFFFFFFFFFFFFFFFFF"))
    }

    @Test func stopsFollowingWhatItDoesNotExpect() {
        var unannounced = tracker()
        #expect(consume(&unannounced, "GET / HTTP/1.1\r\n\r\n"))
        #expect(unannounced.position == .unknown)

        var malformed = tracker()
        malformed.expect(.chunked)
        #expect(consume(&malformed, "POST / HTTP/1.1\r\n\r\nzz\r\n"))
        #expect(malformed.position == .unknown)
        #expect(consume(&malformed, "FFFFFFFF\r\n"))
    }

    @Test func aRequestLineWithoutAVersionIsHTTP09() {
        var tracker = tracker()
        #expect(consume(&tracker, "GET /hea"))
        #expect(tracker.consume(ByteBuffer(string: "lth\r\n")) == .versionMissing)

        var versioned = self.tracker()
        versioned.expect(.none)
        #expect(consume(&versioned, "GET /health HTTP/1.0\r\n\r\n"))
        #expect(versioned.position == .betweenRequests)
        // Stranger request lines are the decoder's to judge.
        var odd = self.tracker()
        #expect(consume(&odd, "GET /a b\r\n"))
    }

    @Test func aRequestLineEndedByABareLineFeedIsRefused() {
        var tracker = tracker()
        #expect(tracker.consume(ByteBuffer(string: "GET / HTTP/1.1\nHost: x\n\n")) == .bareLineFeed)
        // Byte by byte, the verdict is the same.
        var slow = self.tracker()
        var verdicts: [RequestFramingTracker.Refusal?] = []
        for byte in "\r\nGET / HTTP/1.1\n".utf8 { verdicts.append(slow.consume(ByteBuffer(bytes: [byte]))) }
        #expect(verdicts.compactMap { $0 } == [.bareLineFeed])
    }
}
