import Foundation

/// Stops the run when an invariant does not hold. `abort` makes libFuzzer report a crash and
/// save the input, like a trap or a sanitizer report would.
public func require(_ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) {
    guard !condition else { return }
    FileHandle.standardError.write(Data("fuzz invariant failed at \(file):\(line): \(message())\n".utf8))
    abort()
}

/// A short readable excerpt of bytes for failure messages.
public func excerpt(_ bytes: [UInt8], limit: Int = 300) -> String {
    let text = String(decoding: bytes.prefix(limit), as: UTF8.self)
    return bytes.count > limit ? text + "... (\(bytes.count) bytes)" : text
}
