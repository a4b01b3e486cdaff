import FuzzSupport
import LyrebirdPluginAPI

/// The JSON forms that cross the plugin ABI, read from any bytes as each form a plugin may
/// send: a form that reads must write and read back to the same value, and nothing traps.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = inputBytes(data, size)
    requireRoundTrip(ReplyEvent.self, bytes)
    requireRoundTrip(CanonicalRequest.self, bytes)
    requireSameReading(bytes) { bytes throws(PluginJSONError) in try PluginJSON.request(from: bytes) }
    requireSameReading(bytes) { bytes throws(PluginJSONError) in try PluginJSON.reply(from: bytes) }
    if let reply = try? PluginJSON.reply(from: bytes) {
        require(
            (try? PluginJSON.decode(CompletedReply.self, from: PluginJSON.replyBytes(reply))) == reply,
            "a reply written by hand reads back changed: \(excerpt(bytes))")
    }
    requireRoundTrip(CompletedReply.self, bytes)
    requireRoundTrip(ReplyContext.self, bytes)
    requireRoundTrip([ProviderRoute].self, bytes)
    requireRoundTrip(JSONValue.self, bytes)
    // Reply errors from plugins are read leniently (only status and message are required),
    // then written in full.
    if let lenient = try? PluginJSON.decode(PluginReplyError.self, from: bytes) {
        let again = try? PluginJSON.decode(PluginReplyError.self, from: PluginJSON.encode(lenient.error))
        require(again?.error == lenient.error, "a reply error changed crossing back: \(excerpt(bytes))")
    }
    return 0
}

func requireRoundTrip<Value: Codable & Equatable>(_ type: Value.Type, _ bytes: [UInt8]) {
    guard let value = try? PluginJSON.decode(type, from: bytes) else { return }
    let written = PluginJSON.encode(value)
    do {
        let again = try PluginJSON.decode(type, from: written)
        require(again == value, "\(type) changed crossing back: \(excerpt(bytes)) became \(excerpt(written))")
    } catch {
        require(false, "\(type) written as \(excerpt(written)) does not read back: \(error.message)")
    }
}

/// A form read by hand reads what its `Decodable` form reads, to the same value, and refuses
/// what it refuses with the same message.
func requireSameReading<Value: Decodable & Equatable>(_ bytes: [UInt8], _ byHand: ([UInt8]) throws(PluginJSONError) -> Value) {
    let read = Result { () throws(PluginJSONError) in try byHand(bytes) }
    let decoded = Result { () throws(PluginJSONError) in try PluginJSON.decode(Value.self, from: bytes) }
    switch (read, decoded) {
    case (.success(let read), .success(let expected)):
        require(read == expected, "the two readings of a \(Value.self) differ: \(excerpt(bytes))")
    case (.failure(let read), .failure(let expected)):
        require(read.message == expected.message, "the two readings refuse \(excerpt(bytes)) differently: \(read) and \(expected)")
    default:
        require(false, "one reading of a \(Value.self) refuses what the other reads: \(excerpt(bytes))")
    }
}

runFuzzer(testOneInput)
