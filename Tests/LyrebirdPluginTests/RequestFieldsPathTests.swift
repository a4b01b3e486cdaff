import LyrebirdPluginAPI
import Testing

@Suite struct RequestFieldsPathTests {
    private let fields: RequestFields = {
        let body = #"""
            {"inferenceConfig": {"temperature": 0.7, "maxTokens": 200, "stopSequences": ["END"]},
             "messages": [{"role": "user", "content": [{"text": "hi"}]}, {"role": "assistant", "content": null}],
             "odd[name]": true}
            """#
        return try! RequestFields(parsing: Array(body.utf8))
    }()

    @Test func pathsReachNestedMembersAndElements() throws {
        #expect(try fields.number(at: "inferenceConfig.temperature", in: 0...1) == 0.7)
        #expect(try fields.integer(at: "inferenceConfig.maxTokens", in: 1...4096) == 200)
        #expect(try fields.requiredString(at: "messages[0].content[0].text") == "hi")
        #expect(try fields.array(at: "inferenceConfig.stopSequences")?.count == 1)
        #expect(try fields.bool(at: "odd[name]") == true)
        // Absent, null, past the end, or through a scalar: nil, not an error.
        #expect(fields.value(at: "inferenceConfig.topP") == nil)
        #expect(fields.value(at: "messages[1].content") == nil)
        #expect(fields.value(at: "messages[5].role") == nil)
        #expect(fields.value(at: "inferenceConfig.temperature.x") == nil)
    }

    @Test func errorsNameTheWholePath() {
        #expect(throws: ReplyError.self) { try fields.number(at: "inferenceConfig.temperature", in: 0...0.5) }
        do {
            _ = try fields.string(at: "inferenceConfig.maxTokens")
            Issue.record("expected a type error")
        } catch {
            #expect(error.param == "inferenceConfig.maxTokens")
            #expect(error.code == "invalid_type")
        }
        do {
            _ = try fields.requiredString(at: "messages[1].content")
            Issue.record("expected a missing parameter")
        } catch {
            #expect(error.param == "messages[1].content")
            #expect(error.code == "missing_required_parameter")
        }
    }

    @Test func aContextFromAnOlderHostHasMilliseconds() throws {
        let json =
            #"{"request_id": "req_1", "id_suffix": "x", "created": 1700000000, "model": "m", "system_fingerprint": "", "prompt_tokens": 3}"#
        let context = try PluginJSON.decode(ReplyContext.self, from: Array(json.utf8))
        #expect(context.createdMilliseconds == 1_700_000_000_000)
        let precise = ReplyContext(
            requestID: "r", idSuffix: "x", created: 1, model: "m", systemFingerprint: "", promptTokens: 0, createdMilliseconds: 1234)
        #expect(try PluginJSON.decode(ReplyContext.self, from: PluginJSON.encode(precise)).createdMilliseconds == 1234)
    }
}
