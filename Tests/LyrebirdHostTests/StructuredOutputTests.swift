import LyrebirdBuiltinProviders
import LyrebirdPluginAPI
import Testing

@testable import LyrebirdHost
@testable import LyrebirdStructuredOutput

@Suite struct StructuredOutputTests {
    private let schema = #"""
        {"type": "object", "additionalProperties": false, "required": ["name", "age", "tags"],
         "properties": {"name": {"type": "string"}, "age": {"type": "integer", "minimum": 0},
           "tags": {"type": "array", "items": {"type": "string"}}}}
        """#

    private func makeHost(_ yaml: String = "fixtures: []") throws -> LyrebirdHost {
        try LyrebirdHost(configuration: try HostConfiguration(yaml: yaml), providers: BuiltinProviders.all)
    }

    /// A chat request asking for `format`; returns the status, the reply content (or error
    /// body) and the journal entry.
    private func ask(
        _ host: LyrebirdHost, _ user: String, format: String, stream: Bool = false
    ) async throws -> (status: Int, content: String?, body: JSONValue?, entry: JournalEntry?) {
        let body =
            #"{"model": "m", "stream": \#(stream), "messages": [{"role": "user", "content": "\#(user)"}], "response_format": \#(format)}"#
        let response = await host.respond(to: WireRequest(method: .post, path: "/v1/chat/completions", body: Array(body.utf8)))
        let text = String(decoding: response.body, as: UTF8.self)
        guard stream, response.status == 200 else {
            let json = try? JSONValue.parse(response.body)
            return (response.status, json?["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue, json, host.journal.all.last)
        }
        let pieces = try text.components(separatedBy: "\n\n").filter { $0.hasPrefix("data: {") }.compactMap {
            try JSONValue.parse(String($0.dropFirst(6)))["choices"]?.arrayValue?.first?["delta"]?["content"]?.stringValue
        }
        return (response.status, pieces.joined(), nil, host.journal.all.last)
    }

    private func jsonSchema(_ schema: String, name: String = "person") -> String {
        #"{"type": "json_schema", "json_schema": {"name": "\#(name)", "strict": true, "schema": \#(schema)}}"#
    }

    private func problems(_ content: String?, _ schema: String) throws -> [SchemaViolation] {
        var validator = JSONSchemaValidator(schema: try JSONValue.parse(schema))
        return try validator.problems(of: try JSONValue.parse(try #require(content)))
    }

    @Test func theDefaultReplyIsADocumentTheSchemaAccepts() async throws {
        let host = try makeHost()
        let first = try await ask(host, "alpha", format: jsonSchema(schema))
        #expect(first.status == 200)
        #expect(try problems(first.content, schema) == [])
        #expect(first.entry?.source == "default" && first.entry?.warnings == [])
        let again = try await ask(host, "alpha", format: jsonSchema(schema))
        #expect(again.content == first.content, "the same prompt and schema give the same document")
        let streamed = try await ask(host, "alpha", format: jsonSchema(schema), stream: true)
        #expect(streamed.content == first.content)
        var contents = Set<String>()
        for prompt in ["one", "two", "three", "four"] {
            contents.insert(try await ask(host, prompt, format: jsonSchema(schema)).content ?? "")
        }
        #expect(contents.count > 1, "other prompts give other documents")
    }

    @Test func aFixtureWithoutTextGetsADocumentAndKeepsItsUsage() async throws {
        let host = try makeHost(
            """
            fixtures:
              - {name: empty, match: {user: extract}, reply: {content: "", usage: {prompt_tokens: 5, completion_tokens: 7}}}
              - {name: call, match: {user: call}, reply: {tool_calls: [{name: f, arguments: {}}]}}
            """)
        let reply = try await ask(host, "extract it", format: jsonSchema(schema))
        #expect(try problems(reply.content, schema) == [])
        #expect(reply.body?["usage"]?["completion_tokens"] == 7)
        #expect(reply.entry?.source == "empty")
        let call = try await ask(host, "call it", format: jsonSchema(schema))
        #expect(call.content == nil, "tool calls answer instead of text")
        #expect(call.body?["choices"]?.arrayValue?.first?["message"]?["tool_calls"]?.arrayValue?.count == 1)
    }

    @Test func fixedTextThatDoesNotMatchIsSentAndReported() async throws {
        let host = try makeHost(
            """
            fixtures:
              - {name: wrong, match: {user: wrong}, reply: {content: '{"name": "Ada", "age": "old"}'}}
              - {name: prose, match: {user: prose}, reply: {content: "Sure! Here it is."}}
              - {name: right, match: {user: right}, reply: {content: '{"name": "Ada", "age": 36, "tags": []}'}}
            """)
        let wrong = try await ask(host, "wrong", format: jsonSchema(schema))
        #expect(wrong.content == #"{"name": "Ada", "age": "old"}"#)
        #expect(
            wrong.entry?.warnings == [
                #"the reply text does not match the schema "person" at (root): the required property "tags" is missing"#,
                #"the reply text does not match the schema "person" at /age: expected integer, found string"#,
            ])
        let streamed = try await ask(host, "wrong", format: jsonSchema(schema), stream: true)
        #expect(streamed.entry?.warnings == wrong.entry?.warnings, "a streamed reply is reported too")
        let prose = try await ask(host, "prose", format: #"{"type": "json_object"}"#)
        #expect(prose.content == "Sure! Here it is.")
        #expect(prose.entry?.warnings.first?.hasPrefix("the reply text is not JSON, as json_object asks") == true)
        let right = try await ask(host, "right", format: jsonSchema(schema))
        #expect(right.entry?.warnings == [])
        let plain = try await ask(host, "prose", format: #"{"type": "text"}"#)
        #expect(plain.entry?.warnings == [])

        let journal = await host.respond(to: WireRequest(method: .get, path: "/journal", body: []))
        let entries = try JSONValue.parse(journal.body)["data"]?.arrayValue ?? []
        #expect(entries.first?["warnings"]?.arrayValue?.count == 2)
        #expect(entries.last?["warnings"] == [])
    }

    @Test func aGeneratedDocumentThatMissesAPatternIsReported() async throws {
        let host = try makeHost()
        let reply = try await ask(host, "x", format: jsonSchema(#"{"type": "string", "pattern": "^(?=a)\\w+$"}"#, name: "lookahead"))
        #expect(reply.status == 200)
        #expect(reply.entry?.warnings.count == 1)
        #expect(
            reply.entry?.warnings.first?.hasPrefix(
                #"the generated document does not match the schema "lookahead" at (root): cannot be checked against the pattern"#) == true)
    }

    @Test func jsonObjectWithoutTextGetsAnObject() async throws {
        let host = try makeHost("settings: {default_reply: Nothing matched.}")
        let reply = try await ask(host, "anything", format: #"{"type": "json_object"}"#)
        #expect(reply.content == #"{"message":"Nothing matched."}"#)
    }

    @Test func schemasThatCannotBeServedGetA400() async throws {
        let host = try makeHost()
        let broken = try await ask(host, "x", format: jsonSchema(##"{"$ref": "#/$defs/missing"}"##, name: "broken"), stream: true)
        #expect(broken.status == 400)
        #expect(broken.body?["error"]?["code"] == "invalid_json_schema")
        #expect(
            broken.body?["error"]?["message"]
                == ##"Invalid schema for response format "broken": $ref "#/$defs/missing" points to nothing in the schema"##)
        let huge = try await ask(host, "x", format: jsonSchema(#"{"type": "array", "minItems": 1000000}"#))
        #expect(huge.status == 400)
        #expect(huge.body?["error"]?["code"] == "schema_too_complex")
        #expect(host.journal.all.last?.error?.contains("the limit is 1000") == true)
    }

    @Test func theCacheKeepsItsBounds() {
        let cache = BoundedCache<Int, String>(capacity: 3, weightLimit: 80)
        for key in 0..<4 { cache.insert("v\(key)", for: key, weight: 10) }
        #expect(cache[0] == nil && cache[1] == "v1" && cache[3] == "v3", "the oldest entry leaves first")
        cache.insert("heavy", for: 9, weight: 11)
        #expect(cache[9] == nil, "an entry over an eighth of the weight limit is not kept")
        cache.insert("v1 again", for: 1, weight: 10)
        #expect(cache[1] == "v1 again" && cache[2] == "v2")
    }
}
