import FuzzSupport
import LyrebirdBuiltinProviders
import LyrebirdPluginAPI

/// The legacy completions request decoder (`POST /v1/completions`) on any body: a canonical request or a 4xx, never a trap.
let provider = CompletionsProvider()

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    DecoderCheck.requireRoutes(provider, body: inputBytes(data, size))
    return 0
}

runFuzzer(testOneInput)
