import FuzzSupport
import LyrebirdGeminiProvider
import LyrebirdPluginAPI

/// The Gemini provider's decoder on any body: every body goes to every `POST` route under
/// `v1beta` (`v1` routes decode the same way): `generateContent`, `streamGenerateContent` (with
/// and without `alt=sse`), `embedContent`, `batchEmbedContents`, and the routes the provider
/// answers itself, `countTokens` and `models/{model}` (a method the model lacks). It goes through
/// the plugin loaded from the sanitized `libLyrebirdGemini.so` as the server loads it (every call
/// crossing the C ABI both ways, path parameters included; the answered routes, which run on a
/// host's script threads, are left to `fuzz-host` there), and to the provider in process, which
/// answers those too.
let loaded = FuzzHosts.geminiProviders
let inProcess = GeminiProvider()

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let body = inputBytes(data, size)
    for provider in loaded + [inProcess] {
        for route in provider.routes where route.method == .post && route.path.hasPrefix("/v1beta/") {
            switch route.answeredBy {
            case .fixtures: DecoderCheck.requireContract(provider, route: route, body: body)
            case .provider where provider is GeminiProvider: DecoderCheck.requireAnswer(provider, route: route, body: body)
            case .provider: continue
            }
            if route.path.hasSuffix(":streamGenerateContent") {
                DecoderCheck.requireContract(provider, route: route, body: body, query: "alt=sse")
            }
        }
    }
    return 0
}

runFuzzer(testOneInput)
