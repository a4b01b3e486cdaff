import NIOCore
import Testing

@testable import LyrebirdHost

@Suite struct WebSocketFrameTrackerTests {
    /// A client frame, masked unless told otherwise.
    private func frame(_ opcode: UInt8, _ payload: [UInt8], final: Bool = true, masked: Bool = true) -> [UInt8] {
        var bytes: [UInt8] = [(final ? 0x80 : 0) | opcode]
        let mask: UInt8 = masked ? 0x80 : 0
        if payload.count < 126 {
            bytes.append(mask | UInt8(payload.count))
        } else if payload.count < 65536 {
            bytes += [mask | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        } else {
            bytes.append(mask | 127)
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8((payload.count >> shift) & 0xFF)) }
        }
        guard masked else { return bytes + payload }
        let key: [UInt8] = [1, 2, 3, 4]
        return bytes + key + payload.enumerated().map { $0.element ^ key[$0.offset % 4] }
    }

    @Test func countsTheBytesOfAMessageUntilItsLastFrame() {
        var tracker = WebSocketFrameTracker()
        let first = tracker.consume(ByteBuffer(bytes: frame(1, Array(repeating: 65, count: 300), final: false)))
        #expect(first == .init(arrived: 300, completed: 0, violation: nil))
        // A ping between the fragments is not part of the message.
        let ping = tracker.consume(ByteBuffer(bytes: frame(9, [1, 2])))
        #expect(ping == .init(arrived: 0, completed: 0, violation: nil))
        let last = tracker.consume(ByteBuffer(bytes: frame(0, Array(repeating: 66, count: 70_000))))
        #expect(last == .init(arrived: 70_000, completed: 70_300, violation: nil))
        #expect(tracker.messageBytes == 0)
    }

    @Test func readsFramesByteByByte() {
        var tracker = WebSocketFrameTracker()
        var total = WebSocketFrameTracker.Progress()
        for byte in frame(2, Array(repeating: 7, count: 200)) + frame(1, []) {
            let progress = tracker.consume(ByteBuffer(bytes: [byte]))
            total.arrived += progress.arrived
            total.completed += progress.completed
        }
        #expect(total.arrived == 200)
        #expect(total.completed == 200)
    }

    @Test func anUnmaskedFrameIsAViolation() {
        var tracker = WebSocketFrameTracker()
        #expect(tracker.consume(ByteBuffer(bytes: frame(1, [1], masked: false))).violation == .unmasked)
    }
}
