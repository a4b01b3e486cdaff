import FuzzSupport
import LyrebirdOllamaProvider
import LyrebirdPluginAPI

/// The Ollama provider's decoder on any body: every body goes to `/api/chat`, `/api/generate`,
/// `/api/embed`, `/api/embeddings` and `/api/show`, through the plugin loaded from the sanitized
/// `libLyrebirdOllama.so` as the server loads it (every call crossing the C ABI both ways;
/// `/api/show`, which the provider answers itself on a host's script threads, is left to
/// `fuzz-host`), and to the provider in process, which answers `/api/show` too.
let loaded = FuzzHosts.ollamaProviders
let inProcess = OllamaProvider()

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let body = inputBytes(data, size)
    for provider in loaded {
        DecoderCheck.requireRoutes(provider, body: body, answering: false)
    }
    DecoderCheck.requireRoutes(inProcess, body: body)
    return 0
}

runFuzzer(testOneInput)
