import FuzzSupport
import NIOCore
import NIOEmbedded
import NIOWebSocket

@testable import LyrebirdHost

/// `WebSocketFrameTracker`, which follows a client's frames in the raw bytes before the library
/// reads them, against NIO's own `WebSocketFrameDecoder` on the same bytes, cut into the same
/// reads. Until either finds the bytes wrong they must agree after every read: the data messages
/// NIO has seen end hold the bytes the tracker reports as completed, and an unmasked frame NIO
/// decodes the tracker has refused by then. Its books balance after every read.
///
/// Input: the first byte is a read size (1 to 256; 0 for one read), the rest is what the client sends.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = inputBytes(data, size)
    guard let first = bytes.first else { return 0 }
    let stream = Array(bytes.dropFirst())
    let readSize = first == 0 ? max(stream.count, 1) : Int(first)

    let channel = EmbeddedChannel()
    defer { _ = try? channel.finish() }
    do {
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: 1 << 20)))
    } catch {
        require(false, "cannot set up NIO's decoder: \(error)")
    }
    var tracker = WebSocketFrameTracker()
    var arrived = 0
    var completed = 0
    var refused = false
    // What NIO's frames say: the bytes of the data message under way, and of finished messages.
    var message = 0
    var finishedByNIO = 0
    var index = 0
    while index < stream.count {
        let piece = Array(stream[index..<min(index + readSize, stream.count)])
        index += piece.count
        let progress = tracker.consume(ByteBuffer(bytes: piece))
        arrived += progress.arrived
        completed += progress.completed
        require(
            tracker.messageBytes == arrived - completed, "books do not balance: \(tracker.messageBytes) held, \(arrived) - \(completed)")
        if progress.violation == .unmasked { refused = true }
        do {
            try channel.writeInbound(ByteBuffer(bytes: piece))
        } catch {
            // NIO found the bytes wrong (a control frame too long or fragmented, a frame over its
            // size, ...): nothing after this is comparable.
            return 0
        }
        while let frame = try? channel.readInbound(as: WebSocketFrame.self) {
            if frame.maskKey == nil {
                require(refused, "NIO decoded an unmasked frame the tracker let through")
                return 0
            }
            guard frame.opcode.isDataOpcode || frame.opcode == .continuation else { continue }
            message += frame.length
            if frame.fin {
                finishedByNIO += message
                message = 0
            }
        }
        if refused { return 0 }
        // NIO decodes every whole frame of a read at once, so both have ended the same messages.
        require(completed == finishedByNIO, "NIO finished \(finishedByNIO) message bytes, the tracker \(completed)")
    }
    return 0
}

extension WebSocketOpcode {
    fileprivate var isDataOpcode: Bool { self == .text || self == .binary }
}

runFuzzer(testOneInput)
