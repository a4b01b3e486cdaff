import Foundation
import LyrebirdPluginAPI
import Testing

@testable import LyrebirdHost

/// What a request's span says, where spans go, and the settings that send them. The export
/// itself is tested against a collector in the conformance suite (test_traces.py).
@Suite struct TraceTests {
    private func entry(provider: String, operation: String?, status: Int = 200) -> JournalEntry {
        var entry = JournalEntry(
            requestID: "req_1", time: 1_700_000_000.25, method: "POST", path: "/v1/chat/completions", provider: provider,
            operation: operation, model: "gpt-4o", source: "greet", status: status, streamed: true, durationMilliseconds: 12.5)
        entry.usage = Usage(promptTokens: 7, completionTokens: 3)
        entry.context = "ctx"
        return entry
    }

    private func attributes(_ span: RequestSpan) -> [String: RequestSpan.Value] {
        Dictionary(span.attributes.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    @Test func aSpanFollowsTheGenAIConventions() {
        let span = RequestSpan(entry(provider: "openai.chat_completions", operation: "chat.completions"))
        #expect(span.name == "chat gpt-4o")
        // A Double holds Unix time to a fraction of a microsecond.
        #expect(abs(Int64(span.startNanoseconds) - 1_700_000_000_250_000_000) < 1000)
        #expect(span.endNanoseconds == span.startNanoseconds + 12_500_000)
        #expect(span.failure == nil)
        let found = attributes(span)
        #expect(found["gen_ai.operation.name"] == .string("chat"))
        #expect(found["gen_ai.provider.name"] == .string("openai"))
        #expect(found["gen_ai.system"] == .string("openai"))
        #expect(found["gen_ai.request.model"] == .string("gpt-4o"))
        #expect(found["gen_ai.usage.input_tokens"] == .integer(7))
        #expect(found["gen_ai.usage.output_tokens"] == .integer(3))
        #expect(found["http.response.status_code"] == .integer(200))
        #expect(found["error.type"] == nil)
        #expect(found["lyrebird.source"] == .string("greet"))
        #expect(found["lyrebird.context"] == .string("ctx"))
        #expect(found["lyrebird.streamed"] == .bool(true))
    }

    @Test func eachShippedProviderHasItsConventionalNames() {
        let cases: [(provider: String, operation: String, system: String, name: String)] = [
            ("anthropic.messages", "messages", "anthropic", "chat"),
            ("google.gemini", "streamGenerateContent", "gcp.gemini", "generate_content"),
            ("google.gemini", "batchEmbedContents", "gcp.gemini", "embeddings"),
            ("aws.bedrock", "ConverseStream", "aws.bedrock", "chat"),
            ("ollama", "generate", "ollama", "text_completion"),
            ("openai.completions", "completions", "openai", "text_completion"),
            ("openai.embeddings", "embeddings", "openai", "embeddings"),
            ("my.plugin", "my-plugin.generate", "my.plugin", "my-plugin.generate"),
        ]
        for (provider, operation, system, name) in cases {
            let found = attributes(RequestSpan(entry(provider: provider, operation: operation)))
            #expect(found["gen_ai.provider.name"] == .string(system), "\(provider)")
            #expect(found["gen_ai.operation.name"] == .string(name), "\(operation)")
        }
    }

    @Test func failuresAndUndecodedRequestsAreNamedAndMarked() {
        var broken = entry(provider: "openai.chat_completions", operation: "chat.completions", status: 500)
        broken.error = "the fixture broke"
        let failed = RequestSpan(broken)
        #expect(failed.failure == "the fixture broke")
        #expect(attributes(failed)["error.type"] == .string("500"))

        var refused = entry(provider: "openai.chat_completions", operation: nil, status: 400)
        refused.model = nil
        refused.usage = nil
        let span = RequestSpan(refused)
        #expect(span.name == "POST /v1/chat/completions")
        #expect(span.failure == nil, "a client's mistake is not the server's failure")
        #expect(attributes(span)["error.type"] == .string("400"))
        #expect(attributes(span)["gen_ai.usage.input_tokens"] == nil)
    }

    @Test func aBaseEndpointGetsTheTracesPath() {
        #expect(TraceSettings(endpoint: "http://127.0.0.1:4318").tracesURL == "http://127.0.0.1:4318/v1/traces")
        #expect(TraceSettings(endpoint: "http://collector:4318/").tracesURL == "http://collector:4318/v1/traces")
        #expect(TraceSettings(endpoint: "https://otel.example/ingest/traces").tracesURL == "https://otel.example/ingest/traces")
        #expect(TraceSettings.problem(withEndpoint: "collector:4318") != nil)
        #expect(TraceSettings.problem(withEndpoint: "http://") != nil)
        #expect(TraceSettings.problem(withEndpoint: "http://a b") != nil)
        #expect(TraceSettings.problem(withEndpoint: "https://otel.example") == nil)
    }

    @Test func traceSettingsAreReadAndCheckedFromTheFile() throws {
        let good = try HostConfiguration(
            yaml: """
                settings:
                  traces: {endpoint: "http://127.0.0.1:4318", protocol: http/json, service_name: mock, export_delay_ms: 200,
                           export_timeout_ms: 1500, max_queued_spans: 100, sample_ratio: 0.25}
                """)
        #expect(good.traces?.encoding == .json)
        #expect(good.traces?.serviceName == "mock")
        #expect(good.traces?.exportDelay == .milliseconds(200))
        #expect(good.traces?.exportTimeout == .milliseconds(1500))
        #expect(good.traces?.maxQueuedSpans == 100)
        #expect(good.traces?.sampleRatio == 0.25)
        #expect(try HostConfiguration(yaml: "settings: {}").traces == nil)
        #expect {
            try HostConfiguration(yaml: "settings: {traces: {endpoint: 'udp://x', protocol: grpc, max_queued_spans: 0}}")
        } throws: { error in
            let text = "\(error)"
            return text.contains("settings.traces.endpoint") && text.contains("settings.traces.protocol")
                && text.contains("settings.traces.max_queued_spans")
        }
    }
}
