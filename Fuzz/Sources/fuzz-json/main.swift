import FuzzSupport
import LyrebirdPluginAPI

/// `JSONValue.parse` at the default depth limit, on any bytes: it never traps, a refusal names
/// an offset inside the input, and whatever it accepts serializes and parses back to an equal
/// value.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = inputBytes(data, size)
    let value: JSONValue
    do {
        value = try JSONValue.parse(bytes)
    } catch {
        require(error.offset.map { (0...bytes.count).contains($0) } ?? true, "offset \(String(describing: error.offset)) outside the input")
        return 0
    }
    let text = value.serialized
    do {
        let again = try JSONValue.parse(text)
        require(again == value, "round trip changed the value: \(excerpt(bytes)) became \(excerpt(Array(text.utf8)))")
    } catch {
        require(false, "serialized output does not parse (\(error.message)): \(excerpt(Array(text.utf8)))")
    }
    return 0
}

runFuzzer(testOneInput)
