import Foundation
import LyrebirdBuiltinProviders
import LyrebirdHost
import LyrebirdPluginAPI
import Testing

@Suite struct OpenAIEmbeddingsTests {
    private func host(_ yaml: String = "fixtures: []") throws -> LyrebirdHost {
        try LyrebirdHost(configuration: try HostConfiguration(yaml: yaml), providers: BuiltinProviders.all)
    }

    private func embed(_ host: LyrebirdHost, _ body: String) async throws -> (status: Int, json: JSONValue) {
        let response = await host.respond(to: WireRequest(method: .post, path: "/v1/embeddings", body: Array(body.utf8)))
        return (response.status, try JSONValue.parse(response.body))
    }

    private func vectors(_ json: JSONValue) -> [[Double]] {
        (json["data"]?.arrayValue ?? []).map { item in (item["embedding"]?.arrayValue ?? []).compactMap(\.doubleValue) }
    }

    /// Base64 of little-endian float32, as the SDKs decode it.
    private func decodeBase64(_ text: String) -> [Float] {
        let data = Data(base64Encoded: text) ?? Data()
        return stride(from: 0, to: data.count, by: 4).map { offset in
            Float(bitPattern: data[offset..<offset + 4].reversed().reduce(0) { $0 << 8 | UInt32($1) })
        }
    }

    @Test func theListShapeInTheRealKeyOrder() async throws {
        let host = try host()
        let response = await host.respond(
            to: WireRequest(
                method: .post, path: "/v1/embeddings",
                body: Array(#"{"model":"text-embedding-3-small","input":"a","encoding_format":"float","dimensions":2}"#.utf8)))
        let text = String(decoding: response.body, as: UTF8.self)
        #expect(text.hasPrefix(#"{"object":"list","data":[{"object":"embedding","index":0,"embedding":["#))
        #expect(text.hasSuffix(#"],"model":"text-embedding-3-small","usage":{"prompt_tokens":1,"total_tokens":1}}"#))
    }

    @Test func vectorsHaveTheModelsSizeOrTheAskedDimensionsAndUnitLength() async throws {
        let host = try host()
        for (model, dimensions, expected) in [
            ("text-embedding-3-small", nil, 1536), ("text-embedding-3-large", nil, 3072), ("text-embedding-ada-002", nil, 1536),
            ("my-local-model", nil, 1536), ("text-embedding-3-large", 256, 256), ("my-local-model", 4096, 4096),
        ] as [(String, Int?, Int)] {
            let extra = dimensions.map { #","dimensions":\#($0)"# } ?? ""
            let (status, json) = try await embed(host, #"{"model":"\#(model)","input":["one","two"],"encoding_format":"float"\#(extra)}"#)
            #expect(status == 200)
            let vectors = vectors(json)
            #expect(vectors.map(\.count) == [expected, expected])
            for vector in vectors { #expect(abs(vector.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4) }
            #expect(json["data"]?.arrayValue?.map { $0["index"]?.intValue } == [0, 1])
        }
    }

    @Test func base64CarriesTheSameFloat32Numbers() async throws {
        let host = try host()
        let body = #"{"model":"text-embedding-3-small","input":"the same words","dimensions":64"#
        let (_, floats) = try await embed(host, body + #","encoding_format":"float"}"#)
        let (_, base64) = try await embed(host, body + #","encoding_format":"base64"}"#)
        let encoded = base64["data"]?.arrayValue?.first?["embedding"]?.stringValue ?? ""
        #expect(decodeBase64(encoded) == vectors(floats)[0].map { Float($0) })
    }

    @Test func pinnedVectorsAreSentAsGivenInTurn() async throws {
        let host = try host(
            """
            fixtures:
              - match: {user: pinned}
                reply: {embeddings: [[1.0, -2.0, 0.5], [0.25, 0.5, 0.75]]}
            """)
        let (_, floats) = try await embed(host, #"{"model":"m","input":["a","b","c pinned"],"encoding_format":"float"}"#)
        #expect(vectors(floats) == [[1, -2, 0.5], [0.25, 0.5, 0.75], [1, -2, 0.5]])
        let (_, base64) = try await embed(host, #"{"model":"m","input":"pinned","encoding_format":"base64"}"#)
        #expect(base64["data"]?.arrayValue?.first?["embedding"] == "AACAPwAAAMAAAAA/")
    }

    @Test func tokenArraysEmbedLikeTheirIdsAsText() async throws {
        let host = try host()
        let (_, tokens) = try await embed(host, #"{"model":"m","input":[[1212,318],[42]],"encoding_format":"float"}"#)
        let (_, texts) = try await embed(host, #"{"model":"m","input":["1212 318","42"],"encoding_format":"float"}"#)
        #expect(vectors(tokens) == vectors(texts))
        let (_, single) = try await embed(host, #"{"model":"m","input":[1212,318],"encoding_format":"float"}"#)
        #expect(vectors(single) == [vectors(texts)[0]])
    }

    @Test func badInputsNameTheParameter() async throws {
        let host = try host()
        let tooMany = "[" + Array(repeating: "\"x\"", count: 2049).joined(separator: ",") + "]"
        for (body, param) in [
            (#"{"model":"m"}"#, "input"),
            (#"{"model":"m","input":""}"#, "input"),
            (#"{"model":"m","input":[]}"#, "input"),
            (#"{"model":"m","input":["ok",""]}"#, "input[1]"),
            (#"{"model":"m","input":["ok",3]}"#, "input[1]"),
            (#"{"model":"m","input":[1,"x"]}"#, "input[1]"),
            (#"{"model":"m","input":[[1,-2]]}"#, "input[0][1]"),
            (#"{"model":"m","input":{"text":"x"}}"#, "input"),
            (#"{"model":"m","input":\#(tooMany)}"#, "input"),
            (#"{"input":"x"}"#, "model"),
            (#"{"model":"m","input":"x","encoding_format":"int8"}"#, "encoding_format"),
            (#"{"model":"text-embedding-3-small","input":"x","dimensions":1537}"#, "dimensions"),
            (#"{"model":"m","input":"x","dimensions":0}"#, "dimensions"),
            (#"{"model":"text-embedding-ada-002","input":"x","dimensions":8}"#, "dimensions"),
            (#"{"model":"m","input":"x","stream":true}"#, "stream"),
        ] {
            let (status, json) = try await embed(host, body)
            #expect(status == 400, "\(body)")
            #expect(json["error"]?["param"]?.stringValue == param, "\(body)")
        }
    }

    @Test func fixturesSeeTheLastInput() async throws {
        let host = try host("fixtures: [{match: {user: last}, reply: {embedding: [0.5, 0.5]}}]")
        let (_, matched) = try await embed(host, #"{"model":"m","input":["first","the last"],"encoding_format":"float"}"#)
        #expect(vectors(matched) == [[0.5, 0.5], [0.5, 0.5]])
        let (_, unmatched) = try await embed(host, #"{"model":"m","input":["the last","first"],"encoding_format":"float"}"#)
        #expect(vectors(unmatched).map(\.count) == [1536, 1536])
        #expect(host.journal.all.map(\.operation) == ["embeddings", "embeddings"])
    }
}
