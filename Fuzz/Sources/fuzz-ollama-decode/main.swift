import FuzzSupport
import LyrebirdOllamaProvider
import LyrebirdPluginAPI

/// The Ollama provider's decoder on any body: every body goes to `/api/chat`, `/api/generate`
/// and `/api/show`, through the plugin loaded from the sanitized `libLyrebirdOllama.so` as the
/// server loads it (every call crossing the C ABI both ways), and to the provider in process,
/// which also answers `/api/show` (plugin ABI 1.x does not carry the routes a provider answers
/// itself, issue 16, so through the plugin that route gets the host's 404).
let providers = FuzzHosts.ollamaProviders + [OllamaProvider()]

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let body = inputBytes(data, size)
    for provider in providers {
        DecoderCheck.requireRoutes(provider, body: body)
    }
    return 0
}

runFuzzer(testOneInput)
