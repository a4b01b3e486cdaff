import FuzzSupport
import LyrebirdHost

/// The configuration decoder on any text, as a whole file and as one `POST /fixtures` body:
/// it accepts, or refuses with at least one problem to show; it never traps.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: inputBytes(data, size), as: UTF8.self)
    do {
        _ = try HostConfiguration(yaml: text, file: "<fuzz>")
    } catch {
        require(!error.problems.isEmpty, "a configuration refused without a problem")
    }
    do {
        _ = try Fixture(yaml: text)
    } catch {
        require(!error.problems.isEmpty, "a fixture refused without a problem")
    }
    return 0
}

runFuzzer(testOneInput)
