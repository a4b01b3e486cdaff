import LyrebirdGeminiProvider
import LyrebirdPluginAPI
import Testing

/// `embedContent` and `batchEmbedContents`, answered with the host's embeddings.
@Suite struct GeminiEmbeddingTests {
    static let fixtures = """
        fixtures:
          - match: {user: pinned}
            reply: {embedding: [0.6, 0.8]}
          - match: {user: pair}
            reply: {embeddings: [[1.0, 0.0], [0.0, 1.0]]}
        """

    private func vectors(_ reply: JSONValue) -> [[Double]] {
        (reply["embeddings"]?.arrayValue ?? []).map { $0["values"]?.arrayValue?.compactMap(\.doubleValue) ?? [] }
    }

    private func length(_ vector: [Double]) -> Double {
        vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
    }

    @Test func oneContentGetsOneVector() async throws {
        let host = try TestHost(Self.fixtures)
        let body = #"{"content": {"parts": [{"text": "the cat"}, {"text": "sat"}]}}"#
        let reply = try await host.json(.post, "/v1beta/models/gemini-embedding-001:embedContent", body)
        let values = reply["embedding"]?["values"]?.arrayValue?.compactMap(\.doubleValue) ?? []
        #expect(values.count == 3072)
        #expect(abs(length(values) - 1) < 1e-5)
        #expect(reply.objectValue?.keys.sorted() == ["embedding"])
        let again = try await host.json(.post, "/v1/models/gemini-embedding-001:embedContent", body)
        #expect(again == reply)
        // The text parts are the input, as the `user` condition sees it.
        #expect(host.host.journal.all.map(\.operation) == ["embedContent", "embedContent"])

        let older = try await host.json(
            .post, "/v1beta/models/text-embedding-004:embedContent", #"{"content": {"parts": [{"text": "x"}]}, "outputDimensionality": 5}"#)
        #expect(older["embedding"]?["values"]?.arrayValue?.count == 5)
        let native = try await host.json(
            .post, "/v1beta/models/text-embedding-004:embedContent", #"{"content": {"parts": [{"text": "x"}]}}"#)
        #expect(native["embedding"]?["values"]?.arrayValue?.count == 768)
    }

    @Test func aBatchGetsAVectorPerRequestInOrder() async throws {
        let host = try TestHost(Self.fixtures)
        let body = """
            {"requests": [
              {"model": "models/gemini-embedding-001", "content": {"parts": [{"text": "apples and pears"}]}, "outputDimensionality": 8,
               "taskType": "RETRIEVAL_DOCUMENT", "title": "fruit"},
              {"content": {"parts": [{"text": "pears and apples"}]}, "embedContentConfig": {"outputDimensionality": 8, "autoTruncate": true}},
              {"content": {"parts": [{"text": "carburettor"}]}, "output_dimensionality": 8}]}
            """
        let reply = try await host.json(.post, "/v1beta/models/gemini-embedding-001:batchEmbedContents", body)
        let vectors = vectors(reply)
        #expect(vectors.map(\.count) == [8, 8, 8])
        // The same words point the same way whatever their order; other words elsewhere.
        #expect(zip(vectors[0], vectors[1]).allSatisfy { abs($0 - $1) < 1e-6 })
        #expect(zip(vectors[0], vectors[2]).contains { abs($0 - $1) > 1e-3 })

        let single = try await host.json(
            .post, "/v1beta/models/gemini-embedding-001:embedContent",
            #"{"content": {"parts": [{"text": "carburettor"}]}, "outputDimensionality": 8}"#)
        #expect(single["embedding"]?["values"]?.arrayValue?.compactMap(\.doubleValue) == vectors[2])
    }

    @Test func fixturesPinVectors() async throws {
        let host = try TestHost(Self.fixtures)
        let pinned = try await host.json(
            .post, "/v1beta/models/gemini-embedding-001:embedContent", #"{"content": {"parts": [{"text": "pinned"}]}}"#)
        #expect(pinned == ["embedding": ["values": [0.6, 0.8]]])
        let body =
            #"{"requests": [{"content": {"parts": [{"text": "a"}]}}, {"content": {"parts": [{"text": "b"}]}}, {"content": {"parts": [{"text": "pair"}]}}]}"#
        let pair = try await host.json(.post, "/v1/models/gemini-embedding-001:batchEmbedContents", body)
        #expect(vectors(pair) == [[1, 0], [0, 1], [1, 0]])
    }

    @Test func badRequestsNameTheField() async throws {
        let host = try TestHost()
        let single = "/v1beta/models/gemini-embedding-001:embedContent"
        let batch = "/v1beta/models/gemini-embedding-001:batchEmbedContents"
        let part = #"{"parts": [{"text": "x"}]}"#
        let cases: [(String, String, String)] = [
            (single, "{}", "* EmbedContentRequest.content: content is not specified"),
            (single, #"{"content": {"parts": []}}"#, "* EmbedContentRequest.content.parts: content.parts must not be empty."),
            (
                single, #"{"content": \#(part), "outputDimensionality": 4000}"#,
                "* EmbedContentRequest.output_dimensionality: must be in the range [1, 3072]."
            ),
            (single, #"{"content": \#(part), "taskType": 3}"#, "Invalid value at 'task_type' (TYPE_STRING), 3"),
            (batch, #"{"requests": []}"#, "* BatchEmbedContentsRequest.requests: requests is not specified"),
            (
                batch, #"{"requests": [{"model": "models/other", "content": \#(part)}]}"#,
                "* BatchEmbedContentsRequest.requests[0].model: the model of every request must be the batch's, models/gemini-embedding-001."
            ),
            (
                batch, #"{"requests": [{"content": \#(part)}, {"content": \#(part), "outputDimensionality": 8}]}"#,
                "* BatchEmbedContentsRequest.requests[1].output_dimensionality: every request of a batch must ask for the same output dimensionality (3072, not 8)."
            ),
            (
                batch, #"{"requests": [\#(Array(repeating: #"{"content": \#(part)}"#, count: 101).joined(separator: ","))]}"#,
                "* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch"
            ),
        ]
        for (path, body, message) in cases {
            let error = try await host.json(.post, path, body, status: 400)
            #expect(error["error"]?["message"]?.stringValue == message)
            #expect(error["error"]?["status"] == "INVALID_ARGUMENT")
        }
        let streamed = try await host.json(.post, single, #"{"content": \#(part), "stream": true}"#)
        #expect(streamed["embedding"] != nil)
    }

    @Test func theCanonicalRequestHasAMessagePerInput() throws {
        let provider = GeminiProvider()
        let route = try #require(provider.routes.first { $0.operation == "batchEmbedContents" })
        let body = #"{"requests": [{"content": {"parts": [{"text": "a"}, {"inlineData": {"mimeType": "image/png", "data": "AA"}}]}}]}"#
        let request = try provider.decode(
            WireRequest(method: .post, path: "/v1beta/models/m:batchEmbedContents", body: Array(body.utf8), pathParameters: ["model": "m"]),
            route: route)
        #expect(request.replyKind == .embeddings(dimensions: 768))
        #expect(
            request.messages == [
                Message(
                    role: .user,
                    content: [.text("a"), .other(type: "inline_data", value: ["inlineData": ["mimeType": "image/png", "data": "AA"]])])
            ])
        #expect(!request.stream)
    }
}
