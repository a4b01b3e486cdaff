import LyrebirdGeminiProvider
import LyrebirdPluginAPI
import Testing

/// `responseSchema` and function `parameters` in Google's schema dialect, as `google-genai`
/// sends them for `response_schema=Model`.
@Suite struct GeminiSchemaTests {
    /// What `google-genai` sends for a Pydantic model with an optional field and a default.
    static let recipe = """
        {"type": "OBJECT", "title": "Recipe", "required": ["name", "ingredients", "rating"],
         "property_ordering": ["name", "ingredients", "rating", "tags"],
         "properties": {"name": {"type": "STRING", "title": "Name"},
                        "ingredients": {"type": "ARRAY", "items": {"type": "STRING"}, "minItems": "1", "max_items": 3},
                        "rating": {"type": "INTEGER", "nullable": true, "minimum": 1, "maximum": 5},
                        "tags": {"type": "ARRAY", "items": {"type": "STRING", "format": "enum", "enum": ["quick", "vegan"]}, "default": []}}}
        """

    private func decode(_ body: String) throws(ReplyError) -> CanonicalRequest {
        let provider = GeminiProvider()
        let wire = WireRequest(
            method: .post, path: "/v1beta/models/gemini-2.5-pro:generateContent", body: Array(body.utf8),
            pathParameters: ["model": "gemini-2.5-pro"])
        return try provider.decode(wire, route: provider.routes[0])
    }

    private func body(schema: String, question: String = "a recipe please") -> String {
        """
        {"contents": [{"parts": [{"text": "\(question)"}]}],
         "generationConfig": {"responseMimeType": "application/json", "responseSchema": \(schema)}}
        """
    }

    @Test func googlesDialectBecomesJSONSchema() throws {
        let request = try decode(body(schema: Self.recipe))
        let expected: JSONValue = [
            "type": "object", "title": "Recipe", "required": ["name", "ingredients", "rating"],
            "properties": [
                "name": ["type": "string", "title": "Name"],
                "ingredients": ["type": "array", "items": ["type": "string"], "minItems": 1, "maxItems": 3],
                "rating": ["type": ["integer", "null"], "minimum": 1, "maximum": 5],
                "tags": ["type": "array", "items": ["type": "string", "enum": ["quick", "vegan"]], "default": []],
            ],
        ]
        #expect(request.responseFormat == .jsonSchema(name: "response", schema: expected))
    }

    @Test func nullableReachesEnumsAndAlternativesAndExamplesBecomeExamples() throws {
        let schema = """
            {"anyOf": [{"type": "STRING"}, {"type": "NUMBER"}], "nullable": true,
             "properties": {"size": {"type": "STRING", "enum": ["S", "M"], "nullable": true, "example": "S"}},
             "items": {"type": "NULL", "nullable": true}, "description": "anything"}
            """
        let request = try decode(body(schema: schema))
        let expected: JSONValue = [
            "anyOf": [["type": "string"], ["type": "number"], ["type": "null"]], "description": "anything",
            "properties": ["size": ["type": ["string", "null"], "enum": ["S", "M", .null], "examples": ["S"]]],
            "items": ["type": "null"],
        ]
        #expect(request.responseFormat == .jsonSchema(name: "response", schema: expected))
    }

    @Test func functionParametersAreTranslatedAndJSONSchemaParametersKept() throws {
        let request = try decode(
            """
            {"contents": [{"parts": [{"text": "x"}]}],
             "tools": [{"functionDeclarations": [
                 {"name": "a", "parameters": {"type": "OBJECT", "properties": {"city": {"type": "STRING"}}}},
                 {"name": "b", "parametersJsonSchema": {"type": "object", "const": 1}}]}]}
            """)
        #expect(
            request.tools.map(\.parameters) == [
                ["type": "object", "properties": ["city": ["type": "string"]]], ["type": "object", "const": 1],
            ])
    }

    @Test func theDefaultReplyIsADocumentTheSchemaAccepts() async throws {
        let host = try TestHost()
        let reply = try await host.json(.post, "/v1beta/models/gemini-2.0-flash:generateContent", body(schema: Self.recipe))
        let part = reply["candidates"]?.arrayValue?.first?["content"]?["parts"]?.arrayValue?.first
        let text = try #require(part?["text"]?.stringValue)
        let document = try JSONValue.parse(text)
        #expect(document["name"]?.stringValue != nil)
        let ingredients = try #require(document["ingredients"]?.arrayValue)
        #expect((1...3).contains(ingredients.count))
        #expect(document["rating"] == JSONValue.null || (1...5).contains(document["rating"]?.intValue ?? 0))
        #expect(host.host.journal.all.first?.warnings == [])
    }

    @Test func badSchemasAreRefusedNamingTheMember() throws {
        let cases: [(String, String, String)] = [
            (
                #"{"type": "object"}"#,
                #"Invalid value at 'generation_config.response_schema.type' (type.googleapis.com/google.ai.generativelanguage.v1beta.Type), "object""#,
                "generation_config.response_schema.type"
            ),
            (
                #"{"type": "OBJECT", "properties": {"a": {"type": "STRING", "const": "x"}}}"#,
                #"Invalid JSON payload received. Unknown name "const" at 'generation_config.response_schema.properties["a"]': Cannot find field."#,
                #"generation_config.response_schema.properties["a"]"#
            ),
            (
                #"{"type": "ARRAY", "items": {"type": "STRING", "maxLength": "many"}}"#,
                #"Invalid value at 'generation_config.response_schema.items.max_length' (TYPE_INT64), "many""#,
                "generation_config.response_schema.items.max_length"
            ),
            (
                #"{"anyOf": [{"type": "STRING"}, 3]}"#,
                "Invalid value at 'generation_config.response_schema.any_of[1]' (TYPE_MESSAGE), 3",
                "generation_config.response_schema.any_of[1]"
            ),
            (
                #"{"type": "STRING", "nullable": "yes"}"#,
                #"Invalid value at 'generation_config.response_schema.nullable' (TYPE_BOOL), "yes""#,
                "generation_config.response_schema.nullable"
            ),
        ]
        for (schema, message, field) in cases {
            #expect {
                try decode(body(schema: schema))
            } throws: { error in
                let error = error as? ReplyError
                return error?.status == 400 && error?.message == message && error?.param == field
            }
        }
    }

    @Test func modeAnyForcesACallToTheFirstAllowedFunction() async throws {
        let host = try TestHost()
        let body = """
            {"contents": [{"parts": [{"text": "what now?"}]}],
             "tools": [{"functionDeclarations": [
               {"name": "get_weather", "parameters": {"type": "OBJECT", "properties": {"city": {"type": "STRING"}}, "required": ["city"]}},
               {"name": "book_table", "parameters": {"type": "OBJECT", "required": ["guests", "time"],
                "properties": {"guests": {"type": "INTEGER", "minimum": 1, "maximum": 12}, "time": {"type": "STRING", "format": "date-time"}}}},
               {"name": "cancel", "parametersJsonSchema": {"type": "object"}}]}],
             "toolConfig": {"functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": ["book_table", "cancel"]}}}
            """
        let reply = try await host.json(.post, "/v1beta/models/gemini-2.5-flash:generateContent", body)
        let call = try #require(reply["candidates"]?.arrayValue?.first?["content"]?["parts"]?.arrayValue?.first?["functionCall"])
        #expect(call["name"] == "book_table")
        #expect((1...12).contains(call["args"]?["guests"]?.intValue ?? 0))
        #expect(call["args"]?["time"]?.stringValue?.contains("T") == true)
        #expect(reply["candidates"]?.arrayValue?.first?["finishReason"] == "STOP")
    }
}
