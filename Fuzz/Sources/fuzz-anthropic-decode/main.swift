import FuzzSupport
import LyrebirdPluginAPI

/// The Anthropic Messages decoder on any body, through the loaded plugin as the server calls
/// it: the body crosses the C ABI, the plugin decodes it, and its canonical request or error
/// crosses back. Every route (messages, count_tokens) gets every body.
let providers = FuzzHosts.anthropicProviders

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let body = inputBytes(data, size)
    for provider in providers {
        for route in provider.routes {
            DecoderCheck.requireContract(provider, route: route, body: body)
        }
    }
    return 0
}

runFuzzer(testOneInput)
