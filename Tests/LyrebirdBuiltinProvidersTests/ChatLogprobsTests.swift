import LyrebirdBuiltinProviders
import LyrebirdHost
import LyrebirdPluginAPI
import Testing

@Suite struct ChatLogprobsTests {
    private func chat(_ body: String) async throws -> WireResponse {
        let yaml = """
            settings: {stream_chunk_characters: 8}
            fixtures: [{reply: {content: "Hello there, how are you today?"}}]
            """
        let host = try LyrebirdHost(configuration: try HostConfiguration(yaml: yaml), providers: BuiltinProviders.all)
        return await host.respond(to: WireRequest(method: .post, path: "/v1/chat/completions", body: Array(body.utf8)))
    }

    private let request = #""model":"m","messages":[{"role":"user","content":"hi"}],"logprobs":true,"top_logprobs":2"#

    @Test func aWholeReplyCarriesTheLogprobsOfItsText() async throws {
        let json = try JSONValue.parse(try await chat("{\(request)}").body)
        let logprobs = json["choices"]?.arrayValue?.first?["logprobs"]
        #expect(logprobs?["refusal"] == .null)
        let content = logprobs?["content"]?.arrayValue ?? []
        #expect(content.compactMap { $0["token"]?.stringValue }.joined() == "Hello there, how are you today?")
        #expect(content.count == TokenCounter.count("Hello there, how are you today?"))
        for entry in content {
            let token = entry["token"]?.stringValue ?? ""
            #expect(entry["bytes"] == .array(token.utf8.map { .integer(Int64($0)) }))
            #expect(entry["top_logprobs"]?.arrayValue?.count == 2)
            #expect(entry["top_logprobs"]?.arrayValue?.first?["token"]?.stringValue == token)
        }
        let plain = try JSONValue.parse(try await chat(#"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#).body)
        #expect(plain["choices"]?.arrayValue?.first?["logprobs"] == .null)
    }

    @Test func eachStreamedChunkCarriesItsOwnAndTheyAddUpToTheWhole() async throws {
        let whole = try JSONValue.parse(try await chat("{\(request)}").body)["choices"]?.arrayValue?.first?["logprobs"]?["content"]
        let stream = String(decoding: try await chat("{\(request),\"stream\":true}").body, as: UTF8.self)
        let chunks = try stream.components(separatedBy: "\n\n").filter { $0.hasPrefix("data: {") }.map {
            try JSONValue.parse(String($0.dropFirst(6)))
        }
        var streamed: [JSONValue] = []
        for chunk in chunks {
            let choice = chunk["choices"]?.arrayValue?.first
            let content = choice?["delta"]?["content"]?.stringValue ?? ""
            let entries = choice?["logprobs"]?["content"]?.arrayValue ?? []
            #expect(entries.compactMap { $0["token"]?.stringValue }.joined() == content)
            streamed += entries
        }
        #expect(streamed.count > 3)
        #expect(JSONValue.array(streamed) == whole)
    }

    @Test func topLogprobsNeedLogprobsAndARange() async throws {
        for body in [
            #"{"model":"m","messages":[{"role":"user","content":"hi"}],"top_logprobs":2}"#,
            #"{"model":"m","messages":[{"role":"user","content":"hi"}],"logprobs":true,"top_logprobs":21}"#,
        ] {
            let response = try await chat(body)
            #expect(response.status == 400)
            #expect(try JSONValue.parse(response.body)["error"]?["param"] == "top_logprobs")
        }
    }
}
