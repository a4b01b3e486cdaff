import Foundation
import LyrebirdPluginAPI
import Testing

@testable import LyrebirdBedrockProvider

@Suite struct BedrockProviderTests {
    static let fixtures = """
        fixtures:
          - match: {model: "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0", user: hello}
            reply: {content: "Hello from the ARN."}
          - match: {user: hello}
            reply: {content: "Hi there! How can I help you today?"}
          - match: {user: weather}
            reply:
              tool_calls: [{name: get_weather, arguments: {city: Paris}, id: tooluse_fixed}]
          - match: {user: boom}
            reply: {error: {status: 429, message: slow down, retry_after_ms: 1500}}
          - match: {user: warming}
            reply: {error: {status: 429, message: not ready, code: ModelNotReadyException}}
          - match: {user: fail}
            reply: {responder: failing}
        """
    static let hello = #"{"messages": [{"role": "user", "content": [{"text": "hello"}]}]}"#
    static let anthropicHello =
        #"{"anthropic_version": "bedrock-2023-05-31", "max_tokens": 100, "messages": [{"role": "user", "content": "hello"}]}"#

    private func host() throws -> TestHost {
        let failing = Scripted(name: "failing", events: [.text("partial"), .error(ReplyError(status: 503, message: "overloaded"))])
        return try TestHost(Self.fixtures, responders: [failing])
    }

    private func header(_ response: WireResponse, _ name: String) -> String? {
        response.headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    // MARK: Converse

    @Test func converseIsAnsweredByFixtures() async throws {
        let host = try host()
        let response = await host.send(.post, "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse", Self.hello)
        #expect(response.status == 200)
        #expect(header(response, "x-amzn-RequestId")?.hasPrefix("req_") == true)
        let reply = try JSONValue.parse(response.body)
        #expect(reply["output"] == ["message": ["role": "assistant", "content": [["text": "Hi there! How can I help you today?"]]]])
        #expect(reply["stopReason"] == "end_turn")
        // 3 + 4 per message + "hello" (2); the reply is 12 tokens.
        #expect(reply["usage"] == ["inputTokens": 9, "outputTokens": 12, "totalTokens": 21])
        #expect((reply["metrics"]?["latencyMs"]?.intValue ?? -1) >= 0)
        let entry = try #require(host.host.journal.all.first)
        #expect(entry.operation == "Converse")
    }

    @Test func anARNModelIDIsPercentDecodedIntoTheCanonicalModel() async throws {
        let arn = "arn%3Aaws%3Abedrock%3Aus-east-1%3A%3Afoundation-model%2Fanthropic.claude-3-5-sonnet-20240620-v1%3A0"
        let reply = try await host().json(.post, "/model/\(arn)/converse", Self.hello)
        #expect(reply["output"]?["message"]?["content"] == [["text": "Hello from the ARN."]])
    }

    @Test func aForcedToolChoiceAndAFixtureToolCallMakeAToolUseBlock() async throws {
        let body = """
            {"messages": [{"role": "user", "content": [{"text": "weather in Paris?"}]}],
             "toolConfig": {"tools": [{"toolSpec": {"name": "get_weather", "inputSchema": {"json": {"type": "object"}}}}],
                            "toolChoice": {"tool": {"name": "get_weather"}}}}
            """
        let reply = try await host().json(.post, "/model/m/converse", body)
        #expect(
            reply["output"]?["message"]?["content"] == [
                ["toolUse": ["toolUseId": "tooluse_fixed", "name": "get_weather", "input": ["city": "Paris"]]]
            ])
        #expect(reply["stopReason"] == "tool_use")
    }

    @Test func aConverseRequestBecomesTheCanonicalConversation() throws {
        let body = """
            {"system": [{"text": "Be brief."}, {"cachePoint": {"type": "default"}}, {"text": "Be kind."}],
             "messages": [
               {"role": "user", "content": [{"text": "weather?"}, {"image": {"format": "png", "source": {"bytes": "iVBORw=="}}}]},
               {"role": "assistant", "content": [{"text": "Checking."}, {"toolUse": {"toolUseId": "t1", "name": "get_weather", "input": {"city": "Paris"}}}]},
               {"role": "user", "content": [{"toolResult": {"toolUseId": "t1", "content": [{"json": {"temp": 20}}, {"text": "sunny"}], "status": "success"}},
                                            {"text": "thanks"}]}
             ],
             "inferenceConfig": {"maxTokens": 64, "temperature": 0.5, "topP": 0.9, "stopSequences": ["END"]},
             "toolConfig": {"tools": [{"toolSpec": {"name": "get_weather", "description": "Weather", "inputSchema": {"json": {"type": "object"}}}},
                                      {"cachePoint": {"type": "default"}}],
                            "toolChoice": {"any": {}}},
             "additionalModelRequestFields": {"top_k": 5}}
            """
        let provider = BedrockProvider()
        let wire = WireRequest(method: .post, path: "/model/m/converse", body: Array(body.utf8), pathParameters: ["modelId": "m"])
        let request = try provider.decode(wire, route: provider.routes[0])
        #expect(request.model == "m" && request.operation == "Converse" && !request.stream && request.includeUsage)
        #expect(
            request.messages == [
                Message(role: .system, content: [.text("Be brief."), .text("Be kind.")]),
                Message(role: .user, content: [.text("weather?"), .image(url: "data:image/png;base64,iVBORw==")]),
                Message(
                    role: .assistant, content: [.text("Checking.")],
                    toolCalls: [ToolCall(id: "t1", name: "get_weather", arguments: #"{"city":"Paris"}"#)]),
                Message(role: .tool, content: [.text(#"{"temp":20}"#), .text("sunny")], toolCallID: "t1"),
                Message(role: .user, text: "thanks"),
            ])
        #expect(request.tools == [ToolDefinition(name: "get_weather", description: "Weather", parameters: ["type": "object"])])
        #expect(request.toolChoice == .required)
        #expect(request.sampling == SamplingParameters(temperature: 0.5, topP: 0.9, maxTokens: 64, stop: ["END"]))
        #expect(request.body["additionalModelRequestFields"] == ["top_k": 5])
    }

    @Test func anOutputConfigSchemaIsTheResponseFormat() throws {
        let body = """
            {"messages": [{"role": "user", "content": [{"text": "json"}]}],
             "outputConfig": {"textFormat": {"type": "json_schema", "structure": {"jsonSchema": {"schema": "{\\"type\\": \\"object\\"}", "name": "weather"}}}}}
            """
        let provider = BedrockProvider()
        let wire = WireRequest(method: .post, path: "/model/m/converse", body: Array(body.utf8), pathParameters: ["modelId": "m"])
        #expect(
            try provider.decode(wire, route: provider.routes[0]).responseFormat == .jsonSchema(name: "weather", schema: ["type": "object"]))
    }

    // MARK: ConverseStream

    @Test func theEventStreamChecksumIsIEEECRC32() {
        // The check value of CRC-32/ISO-HDLC, computed here bit by bit and by the provider.
        let check = Array("123456789".utf8)
        #expect(EventStreamReader.crc32(check) == 0xCBF4_3926)
        #expect(CRC32.checksum(of: check[...]) == 0xCBF4_3926)
        #expect(CRC32.checksum(of: []) == 0)
        var pieces = CRC32()
        pieces.add(check[0..<4])
        pieces.add(check[4...])
        #expect(pieces.checksum == 0xCBF4_3926)
        let message = EventStreamMessage.event("messageStart", payload: Array(#"{"role":"assistant"}"#.utf8)).bytes
        // 12 prelude + 3 headers (":event-type" messageStart, ":content-type" application/json,
        // ":message-type" event) + 20 payload + 4.
        #expect(message.count == 12 + (1 + 11 + 3 + 12) + (1 + 13 + 3 + 16) + (1 + 13 + 3 + 5) + 20 + 4)
        #expect(Array(message[0..<4]) == [0, 0, 0, UInt8(message.count)])
        #expect(message.suffix(4).reduce(0) { $0 << 8 | UInt32($1) } == EventStreamReader.crc32(message.dropLast(4)))
    }

    @Test func converseStreamTextJoinsIntoTheFixtureText() async throws {
        let response = try await host().send(.post, "/model/m/converse-stream", Self.hello)
        #expect(response.status == 200)
        #expect(response.contentType == "application/vnd.amazon.eventstream")
        #expect(header(response, "x-amzn-RequestId")?.hasPrefix("req_") == true)
        let messages = try EventStreamReader.messages(response.body)
        #expect(messages.allSatisfy { $0.headers[":message-type"] == "event" && $0.headers[":content-type"] == "application/json" })
        let types = messages.compactMap(\.eventType)
        #expect(types.first == "messageStart" && Array(types.suffix(3)) == ["contentBlockStop", "messageStop", "metadata"])
        #expect(Set(types.dropFirst().dropLast(3)) == ["contentBlockDelta"])
        #expect(messages.first?.payload == ["role": "assistant"])
        let text = messages.compactMap { $0.payload["delta"]?["text"]?.stringValue }.joined()
        #expect(text == "Hi there! How can I help you today?")
        #expect(messages.filter { $0.eventType == "contentBlockDelta" }.allSatisfy { $0.payload["contentBlockIndex"] == 0 })
        #expect(messages[messages.count - 2].payload == ["stopReason": "end_turn"])
        #expect(messages.last?.payload["usage"] == ["inputTokens": 9, "outputTokens": 12, "totalTokens": 21])
        #expect(messages.last?.payload["metrics"]?["latencyMs"]?.intValue != nil)
    }

    @Test func converseStreamToolUseStartsItsBlockThenSendsInputDeltas() async throws {
        let response = try await host().send(
            .post, "/model/m/converse-stream", #"{"messages": [{"role": "user", "content": [{"text": "weather?"}]}]}"#)
        let messages = try EventStreamReader.messages(response.body)
        #expect(
            messages.compactMap(\.eventType) == [
                "messageStart", "contentBlockStart", "contentBlockDelta", "contentBlockStop", "messageStop", "metadata",
            ])
        #expect(
            messages[1].payload == ["start": ["toolUse": ["toolUseId": "tooluse_fixed", "name": "get_weather"]], "contentBlockIndex": 0])
        #expect(messages[2].payload == ["delta": ["toolUse": ["input": #"{"city":"Paris"}"#]], "contentBlockIndex": 0])
        #expect(messages[4].payload == ["stopReason": "tool_use"])
    }

    @Test func textThenToolCallsAreSeparateBlocks() {
        var encoder = BedrockConverseStreamEncoder(
            context: ReplyContext(requestID: "req_1", idSuffix: "x", created: 0, model: "m", systemFingerprint: "", promptTokens: 3),
            reasoning: .hidden)
        var bytes = encoder.start()
        for event: ReplyEvent in [
            .text("Let me check."), .toolCallStart(index: 0, id: "a", name: "f"), .toolCallArguments(index: 0, fragment: "{}"),
            .toolCallStart(index: 1, id: "b", name: "g"), .toolCallArguments(index: 1, fragment: #"{"x":"#),
            .toolCallArguments(index: 1, fragment: "1}"), .finish(.toolCalls), .usage(Usage(promptTokens: 3, completionTokens: 4)),
        ] {
            encoder.encode(event, choice: 0, into: &bytes)
        }
        bytes += encoder.finish()
        let messages = (try? EventStreamReader.messages(bytes)) ?? []
        let indexed = messages.compactMap { message in message.payload["contentBlockIndex"]?.intValue.map { (message.eventType ?? "", $0) }
        }
        #expect(
            indexed.map(\.0) == [
                "contentBlockDelta", "contentBlockStop", "contentBlockStart", "contentBlockDelta", "contentBlockStop", "contentBlockStart",
                "contentBlockDelta", "contentBlockDelta", "contentBlockStop",
            ])
        #expect(indexed.map(\.1) == [0, 0, 1, 1, 1, 2, 2, 2, 2])
        #expect(messages.last?.payload["usage"] == ["inputTokens": 3, "outputTokens": 4, "totalTokens": 7])
    }

    @Test func aLongTextIsCutIntoDeltasOfAtMostSixtyFourKiB() {
        let text = String(repeating: "é", count: 70_000)
        let pieces = BedrockPieces.split(text)
        #expect(pieces.count == 3 && pieces.joined() == text)
        #expect(pieces.allSatisfy { $0.utf8.count <= BedrockPieces.maximumBytes })
        #expect(BedrockPieces.split("") == [""])
    }

    @Test func anErrorPartWayIsAnExceptionMessage() async throws {
        let response = try await host().send(
            .post, "/model/m/converse-stream", #"{"messages": [{"role": "user", "content": [{"text": "fail"}]}]}"#)
        #expect(response.status == 200)
        let messages = try EventStreamReader.messages(response.body)
        #expect(messages.compactMap(\.eventType) == ["messageStart", "contentBlockDelta"])
        let last = try #require(messages.last)
        #expect(last.headers[":message-type"] == "exception" && last.headers[":exception-type"] == "serviceUnavailableException")
        #expect(last.payload == ["message": "overloaded"])
        // A status the stream declares no exception for is a model stream error.
        let other = BedrockErrors.streamException(for: ReplyError(status: 418, message: "teapot"), operation: "ConverseStream")
        #expect(other.headers.first?.value == "validationException")
        let timeout = BedrockErrors.streamException(for: ReplyError(status: 408, message: "slow"), operation: "ConverseStream")
        #expect(timeout.headers.first?.value == "modelStreamErrorException")
        #expect(try JSONValue.parse(timeout.payload) == ["message": "slow", "originalStatusCode": 408, "originalMessage": "slow"])
        let invokeTimeout = BedrockErrors.streamException(
            for: ReplyError(status: 408, message: "slow"), operation: "InvokeModelWithResponseStream")
        #expect(invokeTimeout.headers.first?.value == "modelTimeoutException")
    }

    // MARK: Errors

    @Test func fixtureErrorsNameTheirExceptionInXAmznErrorType() async throws {
        let host = try host()
        let limited = await host.send(.post, "/model/m/converse", #"{"messages": [{"role": "user", "content": [{"text": "boom"}]}]}"#)
        #expect(limited.status == 429)
        #expect(header(limited, "x-amzn-ErrorType") == "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/")
        #expect(header(limited, "retry-after") == "2")
        #expect(try JSONValue.parse(limited.body) == ["message": "slow down"])
        // Before a stream starts, an error is an ordinary error response.
        let streamed = await host.send(
            .post, "/model/m/converse-stream", #"{"messages": [{"role": "user", "content": [{"text": "boom"}]}]}"#)
        #expect(streamed.status == 429 && header(streamed, "x-amzn-ErrorType")?.hasPrefix("ThrottlingException:") == true)
        let named = await host.send(.post, "/model/m/converse", #"{"messages": [{"role": "user", "content": [{"text": "warming"}]}]}"#)
        #expect(named.status == 429 && header(named, "x-amzn-ErrorType")?.hasPrefix("ModelNotReadyException:") == true)
        let unknown = await host.send(.post, "/model/m/count-tokens", "{}")
        #expect(unknown.status == 404 && header(unknown, "x-amzn-ErrorType")?.hasPrefix("UnknownOperationException:") == true)
        let statuses = [
            400: "ValidationException", 403: "AccessDeniedException", 404: "ResourceNotFoundException", 408: "ModelTimeoutException",
            424: "ModelErrorException", 500: "InternalServerException", 503: "ServiceUnavailableException",
        ]
        for (status, name) in statuses {
            #expect(BedrockErrors.exceptionName(for: ReplyError(status: status, message: "x")) == name)
        }
    }

    @Test func badRequestsAreValidationExceptionsNamingTheField() async throws {
        let host = try host()
        let cases: [(String, String)] = [
            ("[1]", "Malformed input request: expected a JSON object, but got array, please reformat your input and try again."),
            ("{}", "1 validation error detected: Value null at 'messages' failed to satisfy constraint: Member must not be null"),
            (
                #"{"messages": []}"#,
                "A conversation must start with a user message. Try again with a conversation that starts with a user message."
            ),
            (
                #"{"messages": [{"role": "system", "content": [{"text": "x"}]}]}"#,
                "1 validation error detected: Value 'system' at 'messages.0.role' failed to satisfy constraint: Member must satisfy enum value set: [user, assistant]"
            ),
            (
                #"{"messages": [{"role": "user", "content": []}]}"#,
                "The content field in the Message object at messages.0 is empty. Add a ContentBlock object to the content field and try again."
            ),
            (
                #"{"messages": [{"role": "user", "content": [{"text": " \n"}]}]}"#,
                "The text field in the ContentBlock object at messages.0.content.0 is blank. Add text to the text field, and try again."
            ),
            (
                #"{"messages": [{"role": "user", "content": [{"text": "x", "image": {}}]}]}"#,
                "1 validation error detected: Value at 'messages.0.content.0' failed to satisfy constraint: Member must have exactly one member set (found: image, text)"
            ),
            (
                #"{"messages": [{"role": "user", "content": [{"text": "x"}]}], "inferenceConfig": {"temperature": 1.5}}"#,
                "1 validation error detected: Value '1.5' at 'inferenceConfig.temperature' failed to satisfy constraint: Member must have value less than or equal to 1"
            ),
            (
                #"{"messages": [{"role": "user", "content": [{"text": "x"}]}], "inferenceConfig": {"maxTokens": "many"}}"#,
                "1 validation error detected: Value 'many' at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must be an integer"
            ),
            (
                #"{"messages": [{"role": "user", "content": [{"text": "x"}]}], "toolConfig": {"tools": [{"toolSpec": {"name": "get weather", "inputSchema": {"json": {}}}}]}}"#,
                "1 validation error detected: Value 'get weather' at 'toolConfig.tools.0.toolSpec.name' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+"
            ),
            (
                #"{"messages": [{"role": "user", "content": [{"toolUse": {"toolUseId": "t", "name": "f", "input": {}}}]}]}"#,
                "The toolUse block at messages.0.content.0 is only allowed in a message whose role is assistant."
            ),
        ]
        for (body, message) in cases {
            let response = await host.send(.post, "/model/m/converse", body)
            #expect(response.status == 400, "\(body)")
            #expect(header(response, "x-amzn-ErrorType")?.hasPrefix("ValidationException:") == true)
            #expect(try JSONValue.parse(response.body) == ["message": .string(message)])
        }
    }

    // MARK: InvokeModel

    @Test func invokeModelAnswersAnAnthropicBodyAsAnthropicOnBedrockDoes() async throws {
        let host = try host()
        let response = await host.send(.post, "/model/anthropic.claude-3-haiku-20240307-v1%3A0/invoke", Self.anthropicHello)
        #expect(response.status == 200)
        #expect(
            header(response, "X-Amzn-Bedrock-Input-Token-Count") == "9" && header(response, "X-Amzn-Bedrock-Output-Token-Count") == "12")
        let message = try JSONValue.parse(response.body)
        #expect(message["id"]?.stringValue?.hasPrefix("msg_bdrk_") == true)
        #expect(message["type"] == "message" && message["role"] == "assistant" && message["stop_reason"] == "end_turn")
        #expect(message["model"] == "anthropic.claude-3-haiku-20240307-v1:0")
        #expect(message["content"] == [["type": "text", "text": "Hi there! How can I help you today?"]])
        #expect(host.host.journal.all.first?.operation == "InvokeModel")
    }

    @Test func invokeModelWithResponseStreamWrapsEachAnthropicEventInAChunk() async throws {
        let response = try await host().send(.post, "/model/anthropic.claude-3-haiku/invoke-with-response-stream", Self.anthropicHello)
        #expect(response.status == 200)
        #expect(header(response, "X-Amzn-Bedrock-Content-Type") == "application/json")
        let messages = try EventStreamReader.messages(response.body)
        #expect(messages.allSatisfy { $0.eventType == "chunk" })
        let events = try messages.map { message in
            let encoded = try #require(message.payload["bytes"]?.stringValue)
            return try JSONValue.parse(Array(try #require(Data(base64Encoded: encoded))))
        }
        let types = events.compactMap { $0["type"]?.stringValue }
        #expect(types.first == "message_start" && types.last == "message_stop" && !types.contains("ping"))
        #expect(events.compactMap { $0["delta"]?["text"]?.stringValue }.joined() == "Hi there! How can I help you today?")
        let metrics = try #require(events.last?["amazon-bedrock-invocationMetrics"])
        #expect(metrics["inputTokenCount"] == 9 && metrics["outputTokenCount"] == 12)
        #expect(metrics["invocationLatency"]?.intValue != nil && metrics["firstByteLatency"]?.intValue != nil)
    }

    @Test func invokeModelRefusesOtherBodiesNamingWhatIsSupported() async throws {
        let host = try host()
        let titan = await host.send(.post, "/model/amazon.titan-text-express-v1/invoke", #"{"inputText": "hi"}"#)
        #expect(titan.status == 400 && header(titan, "x-amzn-ErrorType")?.hasPrefix("ValidationException:") == true)
        #expect((try JSONValue.parse(titan.body))["message"]?.stringValue?.contains(#""anthropic_version": "bedrock-2023-05-31""#) == true)
        let noMessages = await host.send(.post, "/model/m/invoke", #"{"anthropic_version": "bedrock-2023-05-31", "max_tokens": 5}"#)
        #expect(noMessages.status == 400)
        #expect(try JSONValue.parse(noMessages.body) == ["message": "messages: Field required"])
    }
}
