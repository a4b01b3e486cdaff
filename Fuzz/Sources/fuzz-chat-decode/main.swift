import FuzzSupport
import LyrebirdBuiltinProviders
import LyrebirdPluginAPI

/// The chat completions request decoder on any body: a canonical request or a 4xx, never a trap.
let provider = ChatCompletionsProvider()

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let body = inputBytes(data, size)
    for route in provider.routes {
        DecoderCheck.requireContract(provider, route: route, body: body)
    }
    return 0
}

runFuzzer(testOneInput)
