import LyrebirdBuiltinProviders
import LyrebirdHost
import LyrebirdPluginAPI
import Testing

@Suite struct LuaEmbeddingTests {
    private func embed(_ script: String, input: String = #"["a","b","c"]"#, settings: String = "{}") async throws -> (
        status: Int, json: JSONValue
    ) {
        let indented = script.split(separator: "\n").map { "        " + $0 }.joined(separator: "\n")
        let yaml = "settings: \(settings)\nfixtures:\n  - reply:\n      lua_inline: |\n" + indented + "\n"
        let host = try LyrebirdHost(configuration: try HostConfiguration(yaml: yaml), providers: BuiltinProviders.all)
        let body = #"{"model":"m","input":\#(input),"encoding_format":"float","dimensions":3}"#
        let response = await host.respond(to: WireRequest(method: .post, path: "/v1/embeddings", body: Array(body.utf8)))
        return (response.status, try JSONValue.parse(response.body))
    }

    private func vectors(_ json: JSONValue) -> [[Double]] {
        (json["data"]?.arrayValue ?? []).map { ($0["embedding"]?.arrayValue ?? []).compactMap(\.doubleValue) }
    }

    @Test func returnedEmbeddingsGoToTheFirstInputsAndTheHostComputesTheRest() async throws {
        let (status, json) = try await embed("function respond(req) return { embeddings = { {1, 0, 0}, {0, 0.5, 0} } } end")
        #expect(status == 200)
        let vectors = vectors(json)
        #expect(Array(vectors.prefix(2)) == [[1, 0, 0], [0, 0.5, 0]])
        #expect(vectors[2].count == 3)
    }

    @Test func replyEmbeddingNumbersInputsFromOne() async throws {
        let script = """
            function respond(req, reply)
              for i, message in ipairs(req.messages) do reply:embedding(i, {i, #message.content, 0}) end
            end
            """
        let (_, json) = try await embed(script, input: #"["a","bb"]"#)
        #expect(vectors(json) == [[1, 1, 0], [2, 2, 0]])
    }

    @Test func badVectorsAndIndexesFailTheScript() async throws {
        for script in [
            "function respond(req, reply) reply:embedding(4, {1}) end",
            "function respond(req, reply) reply:embedding(0, {1}) end",
            "function respond(req, reply) reply:embedding(1, {}) end",
            "function respond(req, reply) reply:embedding(1, {'x'}) end",
            "function respond(req) return { embeddings = { {1}, {1}, {1}, {1} } } end",
            "function respond(req) return { embeddings = { {0/0} } } end",
        ] {
            let (status, json) = try await embed(script)
            #expect(status == 500, "\(script)")
            #expect(json["error"]?["code"] == "lua_error", "\(script)")
            #expect(json["error"]?["message"]?.stringValue?.contains("embedding") == true, "\(script)")
        }
    }

    @Test func vectorsCountAgainstTheStatesMemoryCap() async throws {
        // 1000 numbers are 8 KB of host memory each time; forty of them outgrow a 64 KiB state.
        let script = """
            function respond(req, reply)
              local vector = {}
              for i = 1, 1000 do vector[i] = i end
              for _ = 1, 40 do reply:embedding(1, vector) end
            end
            """
        let (status, json) = try await embed(script, settings: "{lua_memory_limit_bytes: 65536}")
        #expect(status == 500)
        #expect(json["error"]?["message"]?.stringValue?.contains("together pass lua_memory_limit_bytes (65536 bytes)") == true)
    }
}
