import Foundation
import LyrebirdAnthropicProvider
import LyrebirdPluginAPI
import Testing

@testable import LyrebirdBedrockProvider

/// A reply's reasoning as Converse's `reasoningContent` blocks, whole and streamed.
@Suite struct BedrockReasoningTests {
    static let fixtures = """
        fixtures:
          - match: {message: {role: assistant, content: pondering}}
            reply: {content: "An assistant message said pondering."}
          - match: {user: think}
            reply: {reasoning: "The user greets me. A short greeting back is enough.", content: "Hello!"}
          - match: {user: secret}
            reply: {reasoning: "Some of this is visible.", redacted_reasoning: ["EmwKAhgBEgy3va3p", "c2Vjb25k"], content: "Done."}
          - match: {user: weather}
            reply:
              reasoning: "A forecast needs the tool."
              tool_calls: [{name: get_weather, arguments: {city: Paris}, id: tooluse_fixed}]
          - match: {user: hello}
            reply: {content: "Hi there!"}
        """
    static let reasoning = "The user greets me. A short greeting back is enough."
    static let thinking = #""additionalModelRequestFields": {"thinking": {"type": "enabled", "budget_tokens": 1024}}"#

    private func body(_ text: String, _ extra: String = "") -> String {
        let fields = extra.isEmpty ? "" : ", \(extra)"
        return #"{"messages": [{"role": "user", "content": [{"text": "\#(text)"}]}]\#(fields)}"#
    }

    private func content(_ reply: JSONValue) -> [JSONValue] {
        reply["output"]?["message"]?["content"]?.arrayValue ?? []
    }

    private func shownReasoning(_ text: String) -> JSONValue {
        ["reasoningContent": ["reasoningText": ["text": .string(text), "signature": .string(AnthropicThinking.signature(of: text))]]]
    }

    // MARK: Converse

    @Test func enabledThinkingShowsTheReasoningFirstWithItsSignature() async throws {
        let host = try TestHost(Self.fixtures)
        let shown = try await host.json(.post, "/model/m/converse", body("think", Self.thinking))
        #expect(content(shown) == [shownReasoning(Self.reasoning), ["text": "Hello!"]])
        // The reasoning is counted as the canonical reply counts it, shown or not.
        let hidden = try await host.json(.post, "/model/m/converse", body("think"))
        #expect(content(hidden) == [["text": "Hello!"]])
        #expect(shown["usage"] == hidden["usage"])
    }

    @Test func adaptiveThinkingAndNovasReasoningConfigShowItToo() async throws {
        let host = try TestHost(Self.fixtures)
        for fields in [
            #""additionalModelRequestFields": {"thinking": {"type": "adaptive"}}"#,
            #""additionalModelRequestFields": {"reasoningConfig": {"type": "enabled", "maxReasoningEffort": "low"}}"#,
        ] {
            let reply = try await host.json(.post, "/model/m/converse", body("think", fields))
            #expect(content(reply) == [shownReasoning(Self.reasoning), ["text": "Hello!"]], "\(fields)")
        }
        let omitted = try await host.json(
            .post, "/model/m/converse",
            body("think", #""additionalModelRequestFields": {"thinking": {"type": "adaptive", "display": "omitted"}}"#))
        #expect(
            content(omitted).first
                == [
                    "reasoningContent": [
                        "reasoningText": ["text": "", "signature": .string(AnthropicThinking.signature(of: Self.reasoning))]
                    ]
                ])
    }

    @Test func redactedReasoningIsABlobBlockPerPiece() async throws {
        let host = try TestHost(Self.fixtures)
        let reply = try await host.json(.post, "/model/m/converse", body("secret", Self.thinking))
        #expect(
            content(reply) == [
                shownReasoning("Some of this is visible."),
                ["reasoningContent": ["redactedContent": .string(Data("EmwKAhgBEgy3va3p".utf8).base64EncodedString())]],
                ["reasoningContent": ["redactedContent": .string(Data("c2Vjb25k".utf8).base64EncodedString())]],
                ["text": "Done."],
            ])
    }

    @Test func withoutReasoningEnabledItIsLeftOut() async throws {
        let host = try TestHost(Self.fixtures)
        for fields in [
            "",
            #""additionalModelRequestFields": {"thinking": {"type": "disabled"}}"#,
            #""additionalModelRequestFields": {"reasoningConfig": {"type": "disabled"}, "top_k": 5}"#,
        ] {
            let reply = try await host.json(.post, "/model/m/converse", body("secret", fields))
            #expect(content(reply) == [["text": "Done."]], "\(fields)")
        }
    }

    // MARK: ConverseStream

    @Test func streamedReasoningIsABlockOfDeltasEndingWithItsSignature() async throws {
        let host = try TestHost(Self.fixtures)
        let response = await host.send(.post, "/model/m/converse-stream", body("weather", Self.thinking))
        #expect(response.status == 200)
        let messages = try EventStreamReader.messages(response.body)
        let blocks = messages.filter { $0.payload["contentBlockIndex"] != nil }
        let reasoningDeltas = blocks.prefix { $0.payload["delta"]?["reasoningContent"]?["text"] != nil }
        #expect(!reasoningDeltas.isEmpty && reasoningDeltas.allSatisfy { $0.payload["contentBlockIndex"] == 0 })
        #expect(
            reasoningDeltas.compactMap { $0.payload["delta"]?["reasoningContent"]?["text"]?.stringValue }.joined()
                == "A forecast needs the tool.")
        let rest = Array(blocks.dropFirst(reasoningDeltas.count))
        #expect(
            rest.map { $0.eventType ?? "" } == [
                "contentBlockDelta", "contentBlockStop", "contentBlockStart", "contentBlockDelta", "contentBlockStop",
            ])
        #expect(
            rest[0].payload == [
                "delta": ["reasoningContent": ["signature": .string(AnthropicThinking.signature(of: "A forecast needs the tool."))]],
                "contentBlockIndex": 0,
            ])
        #expect(rest[1].payload == ["contentBlockIndex": 0])
        // The tool use after it is block 1.
        #expect(rest[2].payload == ["start": ["toolUse": ["toolUseId": "tooluse_fixed", "name": "get_weather"]], "contentBlockIndex": 1])
        #expect(rest.dropFirst(2).allSatisfy { $0.payload["contentBlockIndex"] == 1 })
    }

    @Test func streamedRedactedReasoningIsABlockEachAndTheTextFollows() {
        var encoder = BedrockConverseStreamEncoder(
            context: ReplyContext(requestID: "req_1", idSuffix: "x", created: 0, model: "m", systemFingerprint: "", promptTokens: 3),
            reasoning: .shown)
        var bytes = encoder.start()
        for event: ReplyEvent in [
            .reasoning("Some of "), .reasoning("this."), .redactedReasoning(data: "EmwK"), .text("Done."), .finish(.stop),
            .usage(Usage(promptTokens: 3, completionTokens: 4)),
        ] {
            encoder.encode(event, choice: 0, into: &bytes)
        }
        bytes += encoder.finish()
        let messages = (try? EventStreamReader.messages(bytes)) ?? []
        let indexed = messages.compactMap { message in
            message.payload["contentBlockIndex"]?.intValue.map { (message.eventType ?? "", $0, message.payload["delta"]) }
        }
        #expect(indexed.map(\.1) == [0, 0, 0, 0, 1, 1, 2, 2])
        #expect(
            indexed.map(\.2) == [
                ["reasoningContent": ["text": "Some of "]], ["reasoningContent": ["text": "this."]],
                ["reasoningContent": ["signature": .string(AnthropicThinking.signature(of: "Some of this."))]], nil,
                ["reasoningContent": ["redactedContent": .string(Data("EmwK".utf8).base64EncodedString())]], nil, ["text": "Done."], nil,
            ])
        #expect(messages.last?.payload["usage"] == ["inputTokens": 3, "outputTokens": 4, "totalTokens": 7])
    }

    @Test func streamedReasoningIsLeftOutWithoutThinking() async throws {
        let host = try TestHost(Self.fixtures)
        let response = await host.send(.post, "/model/m/converse-stream", body("secret"))
        let messages = try EventStreamReader.messages(response.body)
        #expect(messages.allSatisfy { $0.payload["delta"]?["reasoningContent"] == nil })
        #expect(messages.compactMap { $0.payload["delta"]?["text"]?.stringValue }.joined() == "Done.")
        #expect(messages.filter { $0.eventType == "contentBlockDelta" }.allSatisfy { $0.payload["contentBlockIndex"] == 0 })
    }

    // MARK: Requests

    @Test func reasoningSentBackIsAcceptedAndNeverMatched() async throws {
        let host = try TestHost(Self.fixtures)
        let first = try await host.json(.post, "/model/m/converse", body("think about pondering", Self.thinking))
        var returned = content(first)
        // Only the reasoning says "pondering", so the fixture testing assistant messages for it stays out.
        returned[0] = shownReasoning("I am pondering.")
        let redacted: JSONValue = ["reasoningContent": ["redactedContent": "cG9uZGVyaW5n"]]
        let body: JSONValue = [
            "messages": [
                ["role": "user", "content": [["text": "think about pondering"]]],
                ["role": "assistant", "content": .array([redacted] + returned)],
                ["role": "user", "content": [["text": "hello"]]],
            ],
            "additionalModelRequestFields": ["thinking": ["type": "enabled", "budget_tokens": 1024]],
        ]
        let reply = try await host.json(.post, "/model/m/converse", body.serialized)
        #expect(content(reply) == [["text": "Hi there!"]])
        let provider = BedrockProvider()
        let wire = WireRequest(
            method: .post, path: "/model/m/converse", body: Array(body.serialized.utf8), pathParameters: ["modelId": "m"])
        let assistant = try provider.decode(wire, route: provider.routes[0]).messages[1]
        #expect(assistant.text == "Hello!")
        #expect(
            assistant.content == [
                .other(type: "reasoningContent", value: redacted),
                .other(type: "reasoningContent", value: shownReasoning("I am pondering.")),
                .text("Hello!"),
            ])
    }

    @Test func aBadReasoningConfigIsAValidationException() async throws {
        let host = try TestHost(Self.fixtures)
        let cases: [(String, String)] = [
            (
                #""additionalModelRequestFields": {"thinking": {"type": "enabled", "budget_tokens": 100}}"#,
                "The model returned the following errors: thinking.budget_tokens: Input should be greater than or equal to 1024"
            ),
            (
                #""additionalModelRequestFields": {"thinking": {"type": "enabled"}}"#,
                "The model returned the following errors: thinking.budget_tokens: Input should be a valid integer"
            ),
            (
                #""inferenceConfig": {"maxTokens": 1024}, "additionalModelRequestFields": {"thinking": {"type": "enabled", "budget_tokens": 2048}}"#,
                "The model returned the following errors: max_tokens: `max_tokens` must be greater than `thinking.budget_tokens`"
            ),
            (
                #""additionalModelRequestFields": {"thinking": {"type": "on"}}"#,
                "The model returned the following errors: thinking.type: Input should be 'enabled', 'adaptive' or 'disabled'"
            ),
            (
                #""additionalModelRequestFields": {"reasoningConfig": {"type": "maybe"}}"#,
                "1 validation error detected: Value 'maybe' at 'additionalModelRequestFields.reasoningConfig.type' failed to satisfy constraint: Member must satisfy enum value set: [enabled, disabled]"
            ),
            (
                #""additionalModelRequestFields": {"reasoningConfig": {"type": "enabled", "maxReasoningEffort": "max"}}"#,
                "1 validation error detected: Value 'max' at 'additionalModelRequestFields.reasoningConfig.maxReasoningEffort' failed to satisfy constraint: Member must satisfy enum value set: [low, medium, high]"
            ),
            (
                #""toolConfig": {"tools": [{"toolSpec": {"name": "f", "inputSchema": {"json": {}}}}], "toolChoice": {"any": {}}}, \#(Self.thinking)"#,
                "The model returned the following errors: Thinking may not be enabled when tool_choice forces tool use."
            ),
            (
                #""additionalModelRequestFields": "think""#,
                "1 validation error detected: Value 'think' at 'additionalModelRequestFields' failed to satisfy constraint: Member must be a structure"
            ),
        ]
        for (fields, message) in cases {
            for path in ["/model/m/converse", "/model/m/converse-stream"] {
                let response = await host.send(.post, path, body("think", fields))
                #expect(response.status == 400, "\(fields)")
                #expect(
                    response.headers.first { $0.name == "x-amzn-ErrorType" }?.value.hasPrefix("ValidationException:") == true, "\(fields)")
                #expect(try JSONValue.parse(response.body) == ["message": .string(message)])
            }
        }
        let malformed = await host.send(
            .post, "/model/m/converse",
            #"{"messages": [{"role": "user", "content": [{"text": "x"}]}, {"role": "assistant", "content": [{"reasoningContent": {"reasoningText": {"signature": "s"}}}]}]}"#
        )
        #expect(
            try JSONValue.parse(malformed.body) == [
                "message":
                    "1 validation error detected: Value null at 'messages.1.content.0.reasoningContent.reasoningText.text' failed to satisfy constraint: Member must not be null"
            ])
    }
}
