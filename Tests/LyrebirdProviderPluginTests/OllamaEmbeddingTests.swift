import LyrebirdOllamaProvider
import LyrebirdPluginAPI
import Testing

/// `/api/embed` and `/api/embeddings`, answered with the host's embeddings.
@Suite struct OllamaEmbeddingTests {
    static let fixtures = """
        fixtures:
          - match: {user: pinned}
            reply: {embedding: [0.6, 0.8]}
        """

    private func length(_ vector: [Double]) -> Double {
        vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
    }

    private func vectors(_ reply: JSONValue) -> [[Double]] {
        (reply["embeddings"]?.arrayValue ?? []).map { $0.arrayValue?.compactMap(\.doubleValue) ?? [] }
    }

    @Test func embedGivesAVectorPerInputWithCounts() async throws {
        let host = try TestHost(Self.fixtures)
        let reply = try await host.json(
            .post, "/api/embed", #"{"model": "nomic-embed-text", "input": ["apples and pears", "pears and apples", "carburettor"]}"#)
        let vectors = vectors(reply)
        #expect(vectors.map(\.count) == [768, 768, 768])
        #expect(vectors.allSatisfy { abs(length($0) - 1) < 1e-5 })
        #expect(vectors[0] == vectors[1] && vectors[0] != vectors[2])
        #expect(reply["model"] == "nomic-embed-text")
        // Embedding inputs cost their text alone: 2 + 1 + 2, twice, and 3.
        #expect(reply["prompt_eval_count"] == 13)
        #expect(reply["load_duration"] == 1_000_000 && reply["total_duration"] == 14_000_000)

        let one = try await host.json(
            .post, "/api/embed", #"{"model": "mxbai-embed-large:latest", "input": "carburettor", "truncate": true}"#)
        #expect(self.vectors(one).map(\.count) == [1024])
        let fewer = try await host.json(.post, "/api/embed", #"{"model": "nomic-embed-text", "input": "carburettor", "dimensions": 16}"#)
        let short = try #require(self.vectors(fewer).first)
        #expect(short.count == 16 && abs(length(short) - 1) < 1e-5)
        // Asking for more than the model gives changes nothing, as in Ollama.
        let more = try await host.json(.post, "/api/embed", #"{"model": "all-minilm", "input": "x", "dimensions": 5000}"#)
        #expect(self.vectors(more).map(\.count) == [384])
    }

    @Test func noInputLoadsTheModelAndGetsNoVectors() async throws {
        let host = try TestHost(Self.fixtures)
        for body in [#"{"model": "m", "input": ""}"#, #"{"model": "m"}"#, #"{"model": "m", "input": []}"#] {
            #expect(try await host.json(.post, "/api/embed", body) == ["model": "m", "embeddings": []])
        }
        #expect(try await host.json(.post, "/api/embeddings", #"{"model": "m", "prompt": ""}"#) == ["embedding": []])
    }

    @Test func theOlderEmbeddingsTakesOnePrompt() async throws {
        let host = try TestHost(Self.fixtures)
        let reply = try await host.json(
            .post, "/api/embeddings", #"{"model": "nomic-embed-text", "prompt": "carburettor", "keep_alive": "5m"}"#)
        let vector = reply["embedding"]?.arrayValue?.compactMap(\.doubleValue) ?? []
        #expect(vector.count == 768)
        #expect(reply.objectValue?.keys.sorted() == ["embedding"])
        let embedded = try await host.json(.post, "/api/embed", #"{"model": "nomic-embed-text", "input": "carburettor"}"#)
        #expect(vectors(embedded) == [vector])
    }

    @Test func fixturesPinVectors() async throws {
        let host = try TestHost(Self.fixtures)
        let reply = try await host.json(.post, "/api/embed", #"{"model": "m", "input": ["a", "pinned"]}"#)
        #expect(vectors(reply) == [[0.6, 0.8], [0.6, 0.8]])
        #expect(try await host.json(.post, "/api/embeddings", #"{"model": "m", "prompt": "pinned"}"#) == ["embedding": [0.6, 0.8]])
    }

    @Test func badRequestsAreRefusedInOllamasWords() async throws {
        let host = try TestHost()
        let cases: [(String, String, String)] = [
            ("/api/embed", #"{"input": "x"}"#, "model is required"),
            ("/api/embed", #"{"model": "m", "input": 3}"#, "invalid input type"),
            ("/api/embed", #"{"model": "m", "input": ["a", 3]}"#, "invalid input type"),
            (
                "/api/embed", #"{"model": "m", "input": "x", "truncate": "yes"}"#,
                "json: cannot unmarshal string into Go struct field EmbedRequest.truncate of type bool"
            ),
            (
                "/api/embed", #"{"model": "m", "input": "x", "dimensions": "8"}"#,
                "json: cannot unmarshal string into Go struct field EmbedRequest.dimensions of type int"
            ),
            (
                "/api/embed", #"{"model": "m", "input": "x", "dimensions": 1.5}"#,
                "json: cannot unmarshal number 1.5 into Go struct field EmbedRequest.dimensions of type int"
            ),
            (
                "/api/embed", #"{"model": "m", "input": "x", "options": {"temperature": "hot"}}"#,
                #"option "temperature" must be of type float32"#
            ),
            ("/api/embeddings", #"{"prompt": "x"}"#, "model is required"),
            (
                "/api/embeddings", #"{"model": "m", "prompt": ["x"]}"#,
                "json: cannot unmarshal array into Go struct field EmbeddingRequest.prompt of type string"
            ),
            ("/api/embed", "", "missing request body"),
        ]
        for (path, body, message) in cases {
            #expect(try await host.json(.post, path, body, status: 400) == ["error": .string(message)])
        }
    }

    @Test func theCanonicalRequestHasAMessagePerInput() throws {
        let provider = OllamaProvider()
        let route = try #require(provider.routes.first { $0.path == "/api/embed" })
        let body = #"{"model": "bge-m3:567m", "input": ["a", ""], "dimensions": 8}"#
        let request = try provider.decode(WireRequest(method: .post, path: route.path, body: Array(body.utf8)), route: route)
        #expect(request.operation == "embed" && request.model == "bge-m3:567m")
        #expect(request.replyKind == .embeddings(dimensions: 8))
        #expect(request.messages == [Message(role: .user, text: "a"), Message(role: .user, text: "")])
        #expect(!request.stream)
    }
}
