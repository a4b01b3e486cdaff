import LyrebirdAnthropicProvider
import LyrebirdBedrockProvider
import LyrebirdBuiltinProviders
import LyrebirdGeminiProvider
import LyrebirdHost
import LyrebirdOllamaProvider
import LyrebirdPluginAPI
import Testing

/// A host serving the builtin providers with the shipped plugins' providers (Anthropic, Gemini,
/// Ollama, Bedrock) in-process, as a plugin host would once they are loaded, and helpers to talk to it
/// without a socket.
struct TestHost {
    let host: LyrebirdHost

    init(_ yaml: String = "fixtures: []", strict: Bool = false, responders: [any Responder] = []) throws {
        var configuration = try HostConfiguration(yaml: yaml)
        configuration.strict = strict
        host = try LyrebirdHost(
            configuration: configuration,
            providers: BuiltinProviders.all + [AnthropicMessagesProvider(), GeminiProvider(), OllamaProvider(), BedrockProvider()],
            responders: responders)
    }

    func send(
        _ method: HTTPMethodName = .post, _ target: String, _ body: String = "", headers: [Header] = []
    ) async -> WireResponse {
        let parts = target.split(separator: "?", maxSplits: 1)
        return await host.respond(
            to: WireRequest(
                method: method, path: String(parts[0]), query: parts.count > 1 ? String(parts[1]) : "",
                headers: [Header(name: "content-type", value: "application/json")] + headers, body: Array(body.utf8)))
    }

    /// The response body as JSON, after checking the status.
    func json(
        _ method: HTTPMethodName = .post, _ target: String, _ body: String = "", headers: [Header] = [], status: Int = 200
    ) async throws -> JSONValue {
        let response = await send(method, target, body, headers: headers)
        #expect(response.status == status, "\(String(decoding: response.body, as: UTF8.self))")
        return try JSONValue.parse(response.body)
    }
}

/// Emits the events it is given, for replies no fixture can describe.
struct Scripted: Responder {
    let name: String
    let events: [ReplyEvent]

    func respond(to request: CanonicalRequest, parameters: JSONValue, into sink: any ReplySink) async throws {
        for event in events { await sink.emit(event) }
    }
}
