import LyrebirdBuiltinProviders
import LyrebirdHost
import LyrebirdPluginAPI
import Testing

@Suite struct OpenAICompletionsTests {
    private static let fixtures = """
        settings: {stream_chunk_characters: 8}
        fixtures:
          - match: {user: story}
            reply: {content: "Once upon a time there was a lyrebird. The end."}
          - match: {user: tool}
            reply: {tool_calls: [{name: f, arguments: {}}]}
          - reply: {content: "This is a test."}
        """

    private func complete(_ body: String) async throws -> (status: Int, json: JSONValue) {
        let host = try LyrebirdHost(configuration: try HostConfiguration(yaml: Self.fixtures), providers: BuiltinProviders.all)
        let response = await host.respond(to: WireRequest(method: .post, path: "/v1/completions", body: Array(body.utf8)))
        return (response.status, try JSONValue.parse(response.body))
    }

    /// The chunks of a streamed completion, which must end with `[DONE]`.
    private func chunks(_ body: String) async throws -> [JSONValue] {
        let host = try LyrebirdHost(configuration: try HostConfiguration(yaml: Self.fixtures), providers: BuiltinProviders.all)
        let response = await host.respond(to: WireRequest(method: .post, path: "/v1/completions", body: Array(body.utf8)))
        let text = String(decoding: response.body, as: UTF8.self)
        #expect(text.hasSuffix("data: [DONE]\n\n"))
        return try text.components(separatedBy: "\n\n").filter { $0.hasPrefix("data: {") }.map {
            try JSONValue.parse(String($0.dropFirst(6)))
        }
    }

    private func choices(_ json: JSONValue) -> [JSONValue] { json["choices"]?.arrayValue ?? [] }

    @Test func aWholeCompletionInTheRealShape() async throws {
        let (status, json) = try await complete(#"{"model":"gpt-3.5-turbo-instruct","prompt":"Say this is a test"}"#)
        #expect(status == 200)
        #expect(json["object"] == "text_completion")
        #expect(json["id"]?.stringValue?.hasPrefix("cmpl-") == true)
        #expect(choices(json) == [["text": "This is a test.", "index": 0, "logprobs": nil, "finish_reason": "stop"]])
        let completion = TokenCounter.count("This is a test.")
        #expect(json["usage"]?["completion_tokens"]?.intValue == completion)
        #expect(json["usage"]?["total_tokens"]?.intValue == (json["usage"]?["prompt_tokens"]?.intValue ?? 0) + completion)
    }

    @Test func choicesRunPromptByPromptWithTheirOwnEcho() async throws {
        let (_, json) = try await complete(#"{"model":"m","prompt":["A: ","B: "],"n":2,"echo":true}"#)
        #expect(choices(json).map { $0["index"]?.intValue } == [0, 1, 2, 3])
        #expect(
            choices(json).map { $0["text"]?.stringValue }
                == ["A: This is a test.", "A: This is a test.", "B: This is a test.", "B: This is a test."])
        #expect(json["usage"]?["completion_tokens"]?.intValue == 4 * TokenCounter.count("This is a test."))
    }

    @Test func stopAndMaxTokensCutTheTextAndTheUsage() async throws {
        let (_, stopped) = try await complete(#"{"model":"m","prompt":"story","stop":["lyrebird","zzz"]}"#)
        #expect(choices(stopped).first?["text"] == "Once upon a time there was a ")
        #expect(choices(stopped).first?["finish_reason"] == "stop")
        #expect(stopped["usage"]?["completion_tokens"]?.intValue == TokenCounter.count("Once upon a time there was a "))

        let (_, short) = try await complete(#"{"model":"m","prompt":"story","max_tokens":3,"stop":"lyrebird"}"#)
        #expect(choices(short).first?["text"] == "Once upon a ")
        #expect(choices(short).first?["finish_reason"] == "length")
        #expect(short["usage"]?["completion_tokens"] == 3)

        let (_, tools) = try await complete(#"{"model":"m","prompt":"tool"}"#)
        #expect(choices(tools).first?["finish_reason"] == "stop")
    }

    @Test func aStreamCutsAStopSequenceThatSpansChunks() async throws {
        let chunks = try await chunks(
            #"{"model":"m","prompt":"story","stream":true,"stop":"there was","stream_options":{"include_usage":true}}"#)
        #expect(chunks.allSatisfy { $0["object"] == "text_completion" })
        let pieces = chunks.compactMap { choices($0).first?["text"]?.stringValue }
        #expect(pieces.count > 2)
        #expect(pieces.joined() == "Once upon a time ")
        #expect(chunks.compactMap { choices($0).first?["finish_reason"]?.stringValue } == ["stop"])
        #expect(chunks.last?["choices"] == [])
        #expect(chunks.last?["usage"]?["completion_tokens"]?.intValue == TokenCounter.count("Once upon a time "))
    }

    @Test func logprobsCoverTheTextWithOffsetsFromThePrompt() async throws {
        let (_, json) = try await complete(#"{"model":"m","prompt":"Say:","logprobs":2}"#)
        let logprobs = choices(json).first?["logprobs"]
        let tokens = logprobs?["tokens"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(tokens.joined() == "This is a test.")
        #expect(logprobs?["token_logprobs"]?.arrayValue?.count == tokens.count)
        #expect(logprobs?["top_logprobs"]?.arrayValue?.allSatisfy { $0.objectValue?.count == 2 } == true)
        #expect(logprobs?["text_offset"] == [4, 9, 12, 14, 18])

        let (_, echoed) = try await complete(#"{"model":"m","prompt":"Say:","logprobs":0,"echo":true}"#)
        let echoedLogprobs = choices(echoed).first?["logprobs"]
        #expect(echoedLogprobs?["tokens"]?.arrayValue?.prefix(2) == ["Say", ":"])
        #expect(echoedLogprobs?["token_logprobs"]?.arrayValue?.first == .null)
        #expect(echoedLogprobs?["text_offset"]?.arrayValue?.prefix(3) == [0, 3, 4])
    }

    @Test func aStreamedChoiceCarriesItsOwnLogprobsAndEcho() async throws {
        let chunks = try await chunks(#"{"model":"m","prompt":["P1 ","P2 "],"stream":true,"echo":true,"logprobs":1}"#)
        for index in 0..<2 {
            let mine = chunks.compactMap { choices($0).first }.filter { $0["index"]?.intValue == index }
            let text = mine.compactMap { $0["text"]?.stringValue }.joined()
            #expect(text == "P\(index + 1) This is a test.")
            let tokens = mine.flatMap { $0["logprobs"]?["tokens"]?.arrayValue ?? [] }.compactMap(\.stringValue)
            #expect(tokens.joined() == text)
        }
    }

    @Test func badInputsNameTheParameter() async throws {
        for (body, param) in [
            (#"{"model":"m"}"#, "prompt"),
            (#"{"model":"m","prompt":[]}"#, "prompt"),
            (#"{"model":"m","prompt":["a",{}]}"#, "prompt[1]"),
            (#"{"model":"m","prompt":"x","logprobs":6}"#, "logprobs"),
            (#"{"model":"m","prompt":"x","logprobs":true}"#, "logprobs"),
            (#"{"model":"m","prompt":"x","echo":"yes"}"#, "echo"),
            (#"{"model":"m","prompt":"x","n":0}"#, "n"),
            (#"{"model":"m","prompt":["a","b"],"n":100}"#, "n"),
            (#"{"model":"m","prompt":"x","n":3,"best_of":2}"#, "best_of"),
            (#"{"model":"m","prompt":"x","max_tokens":-1}"#, "max_tokens"),
            (#"{"model":"m","prompt":"x","stop":["a","b","c","d","e"]}"#, "stop"),
            (#"{"model":"m","prompt":"x","stream_options":{"include_usage":true}}"#, "stream_options"),
        ] {
            let (status, json) = try await complete(body)
            #expect(status == 400, "\(body)")
            #expect(json["error"]?["param"]?.stringValue == param, "\(body)")
        }
    }
}
