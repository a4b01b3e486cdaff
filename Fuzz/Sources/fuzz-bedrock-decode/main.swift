import FuzzSupport
import LyrebirdBedrockProvider
import LyrebirdPluginAPI

/// The Bedrock provider on any body: every body goes to `converse`, `converse-stream`, `invoke`
/// and `invoke-with-response-stream` (with an ARN for `{modelId}`), through the plugin loaded
/// from the sanitized `libLyrebirdBedrock.so` as the server loads it (every call crossing the C
/// ABI both ways), and to the provider in process. A request the provider accepts is then
/// answered in process, whole and streamed, with a reply made of its own text, tools and model:
/// the answers must be JSON, and every event-stream message must have the right lengths and
/// checksums (computed here, bit by bit) around headers and a JSON payload.
let loaded = FuzzHosts.bedrockProviders
let inProcess = BedrockProvider()

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let body = inputBytes(data, size)
    for provider in loaded {
        DecoderCheck.requireRoutes(provider, body: body, answering: false)
    }
    for route in inProcess.routes {
        guard let request = DecoderCheck.requireContract(inProcess, route: route, body: body) else { continue }
        BedrockReplyCheck.requireAnswers(inProcess, to: request, body: body)
    }
    return 0
}

runFuzzer(testOneInput)
