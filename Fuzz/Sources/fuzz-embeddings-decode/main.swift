import FuzzSupport
import LyrebirdBuiltinProviders
import LyrebirdPluginAPI

/// The embeddings request decoder (`POST /v1/embeddings`) on any body: a canonical request or a 4xx, never a trap.
let provider = EmbeddingsProvider()

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    DecoderCheck.requireRoutes(provider, body: inputBytes(data, size))
    return 0
}

runFuzzer(testOneInput)
