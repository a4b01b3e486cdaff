import Foundation
import LyrebirdPluginAPI
import Testing

@testable import LyrebirdStructuredOutput

@Suite struct JSONSchemaGeneratorTests {
    /// A document for `schema`, checked to have no problems by the generator's own check and by
    /// a separate validator.
    private func generate(_ schema: String, seed: UInt64 = 1, limits: StructuredOutputLimits = .standard) throws -> JSONValue {
        let parsed = try JSONValue.parse(schema)
        var generator = JSONSchemaGenerator(schema: parsed, seed: seed, limits: limits)
        let (document, problems) = try generator.generate()
        #expect(problems == [], "\(document.serialized)")
        var validator = JSONSchemaValidator(schema: parsed)
        #expect(try validator.problems(of: document) == [], "\(document.serialized)")
        return document
    }

    private func failure(_ schema: String, limits: StructuredOutputLimits = .standard) throws -> StructuredOutputError? {
        var generator = JSONSchemaGenerator(schema: try JSONValue.parse(schema), seed: 1, limits: limits)
        do {
            _ = try generator.generate()
            return nil
        } catch {
            return error
        }
    }

    private func isLimit(_ error: StructuredOutputError) -> Bool {
        if case .limitExceeded = error { return true }
        return false
    }

    @Test func scalarsMeetTheirBounds() throws {
        for seed in UInt64(0)..<40 {
            let document = try generate(
                """
                {"type": "object", "properties": {
                  "small": {"type": "integer", "minimum": 3, "exclusiveMaximum": 5},
                  "far": {"type": "integer", "minimum": 1000000},
                  "step": {"type": "integer", "multipleOf": 7, "minimum": -20, "maximum": 20},
                  "fraction": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
                  "tenths": {"type": "number", "multipleOf": 0.1, "maximum": 1},
                  "old": {"type": "number", "minimum": 5, "exclusiveMinimum": true, "maximum": 6},
                  "short": {"type": "string", "minLength": 2, "maxLength": 3},
                  "long": {"type": "string", "minLength": 40},
                  "flag": {"type": "boolean"},
                  "nothing": {"type": "null"},
                  "either": {"type": ["integer", "string"]}
                }}
                """, seed: seed)
            #expect((3...4).contains(document["small"]?.intValue ?? 0))
            #expect((document["far"]?.intValue ?? 0) >= 1_000_000)
            #expect((document["step"]?.intValue ?? 1) % 7 == 0)
            #expect(document["nothing"] == .null)
            #expect(document["either"]?.intValue != nil)
            #expect((document["long"]?.stringValue?.count ?? 0) >= 40)
        }
    }

    @Test func everyPropertyIsFilledAndNamesGivePlausibleValues() throws {
        let document = try generate(
            """
            {"type": "object", "required": ["name"], "additionalProperties": false, "properties": {
              "name": {"type": "string"}, "age": {"type": "integer"}, "email": {"type": "string"},
              "city": {"type": "string"}, "price": {"type": "number"}, "created_at": {"type": "string"},
              "tags": {"type": "array", "items": {"type": "string"}}
            }}
            """)
        #expect(Set(document.objectValue?.keys.map { $0 } ?? []) == ["name", "age", "email", "city", "price", "created_at", "tags"])
        #expect(document["name"]?.stringValue?.contains(" ") == true)
        #expect((18...80).contains(document["age"]?.intValue ?? 0))
        #expect(StringFormat.email.accepts(document["email"]?.stringValue ?? ""))
        #expect(SampleWords.cities.contains(document["city"]?.stringValue ?? ""))
        #expect(StringFormat.dateTime.accepts(document["created_at"]?.stringValue ?? ""))
        #expect(SampleWords.categories.contains(document["tags"]?.arrayValue?.first?.stringValue ?? ""))
    }

    @Test func enumsConstsAndExamples() throws {
        var seen = Set<String>()
        for seed in UInt64(0)..<20 {
            let document = try generate(
                """
                {"type": "object", "properties": {
                  "color": {"enum": ["red", "green", "blue"]},
                  "only": {"enum": ["a", 1, null], "type": "integer"},
                  "fixed": {"const": {"v": 1}},
                  "sample": {"type": "string", "examples": ["from the schema"]}
                }}
                """, seed: seed)
            seen.insert(document["color"]?.stringValue ?? "")
            #expect(document["only"] == 1)
            #expect(document["fixed"] == ["v": 1])
            #expect(document["sample"] == "from the schema")
        }
        #expect(seen == ["red", "green", "blue"], "the seed varies the choice")
    }

    @Test func formatsAreWrittenInTheirFormat() throws {
        for format in StringFormat.allCases {
            for seed in UInt64(0)..<10 {
                let document = try generate(#"{"type": "string", "format": "\#(format.rawValue)"}"#, seed: seed)
                #expect(format.accepts(document.stringValue ?? ""), "\(format): \(document)")
            }
        }
    }

    @Test func patternsAreMetWithinTheLengthLimits() throws {
        let patterns = [
            #"^\d{5}$"#, #"^[A-Z]{2}-\d{3}$"#, #"^(foo|bar)+baz$"#, #"[a-f0-9]{8}"#, #"^\+?[0-9 ]{7,15}$"#,
            #"^[^\s@]+@[^\s@]+\.[a-z]{2,}$"#,
            #"^(?:[a-z]+_)*[a-z]+$"#, #"^\w+\.(png|jpe?g)$"#,
        ]
        for pattern in patterns {
            for seed in UInt64(0)..<10 {
                let escaped = pattern.replacingOccurrences(of: "\\", with: "\\\\")
                let document = try generate(#"{"type": "string", "pattern": "\#(escaped)", "minLength": 5}"#, seed: seed)
                #expect(try SchemaPattern(pattern).matches(document.stringValue ?? "", budget: WorkBudget(steps: 0)))
            }
        }
        // A pattern outside the subset gives an ordinary string, and the problem is reported.
        var generator = JSONSchemaGenerator(schema: ["type": "string", "pattern": #"^(?=a)\w+"#], seed: 1)
        let (_, problems) = try generator.generate()
        #expect(problems.count == 1)
        #expect(problems.first?.message.contains("cannot be checked against the pattern") == true)
    }

    @Test func recursiveReferencesEnd() throws {
        let list = try generate(
            """
            {"$ref": "#/definitions/Node", "definitions": {"Node": {"type": "object", "required": ["value", "next"],
              "properties": {"value": {"type": "integer"}, "next": {"anyOf": [{"$ref": "#/definitions/Node"}, {"type": "null"}]}}}}}
            """)
        #expect(list["next"]?["value"] != nil, "the first recursion is followed once")
        #expect(list["next"]?["next"] == .null)
        let tree = try generate(
            """
            {"type": "object", "required": ["name", "children"], "properties": {"name": {"type": "string"},
              "children": {"type": "array", "items": {"$ref": "#"}}}}
            """)
        #expect(
            tree["children"]?.arrayValue?.allSatisfy { $0["children"]?.arrayValue?.allSatisfy { $0["children"] == [] } ?? false } == true)
        let nullable = try generate(
            ##"{"$defs": {"N": {"type": ["object", "null"], "properties": {"n": {"$ref": "#/$defs/N"}}}}, "$ref": "#/$defs/N"}"##)
        #expect(nullable["n"] == .null, "the reference is open already: the smallest choice")
    }

    @Test func combinatorsAreResolved() throws {
        let document = try generate(
            """
            {"type": "object", "properties": {
              "merged": {"allOf": [{"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]},
                                   {"properties": {"b": {"type": "string", "minLength": 3}}, "required": ["b"]},
                                   {"properties": {"a": {"minimum": 10, "maximum": 12}}}]},
              "one": {"oneOf": [{"type": "integer", "minimum": 0}, {"type": "integer", "maximum": 5}]},
              "maybe": {"anyOf": [{"type": "null"}, {"type": "string", "format": "date"}]},
              "refWithSiblings": {"$ref": "#/$defs/Base", "properties": {"extra": {"type": "boolean"}}, "required": ["extra"]}
            }, "$defs": {"Base": {"type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"]}}}
            """)
        #expect((10...12).contains(document["merged"]?["a"]?.intValue ?? 0))
        #expect((document["one"]?.intValue ?? 0) > 5, "oneOf needs a value only one alternative accepts")
        #expect(StringFormat.date.accepts(document["maybe"]?.stringValue ?? ""), "non-null alternatives come first")
        #expect(document["refWithSiblings"]?["id"]?.intValue != nil && document["refWithSiblings"]?["extra"]?.boolValue != nil)
    }

    @Test func nestedArraysOfObjects() throws {
        for seed in UInt64(0)..<20 {
            let document = try generate(
                """
                {"type": "array", "minItems": 2, "maxItems": 4, "items": {"type": "object", "required": ["line_items"],
                  "properties": {"line_items": {"type": "array", "minItems": 1, "uniqueItems": true,
                    "items": {"type": "object", "required": ["sku", "quantity"], "additionalProperties": false,
                      "properties": {"sku": {"type": "string"}, "quantity": {"type": "integer", "minimum": 1}}}}}}}
                """, seed: seed)
            #expect((2...4).contains(document.arrayValue?.count ?? 0))
        }
        let tuple = try generate(#"{"type": "array", "prefixItems": [{"type": "integer"}, {"type": "string"}], "items": false}"#)
        #expect(tuple.arrayValue?.count == 2)
        let scarce = try failure(#"{"type": "array", "minItems": 3, "uniqueItems": true, "items": {"enum": [1, 2]}}"#)
        #expect(scarce?.isRecoverable == true)
    }

    @Test func anOpenAIStrictPydanticSchema() throws {
        // `openai.lib._pydantic.to_strict_json_schema` of a Person model (openai 3.57, pydantic 2.13).
        let schema = """
            {"$defs": {"Address": {"properties": {"street": {"title": "Street", "type": "string"}, "city": {"title": "City", "type": "string"}, "zip_code": {"pattern": "^\\\\d{5}$", "title": "Zip Code", "type": "string"}}, "required": ["street", "city", "zip_code"], "title": "Address", "type": "object", "additionalProperties": false}, "Color": {"enum": ["red", "green"], "title": "Color", "type": "string"}, "Node": {"properties": {"value": {"title": "Value", "type": "integer"}, "children": {"items": {"$ref": "#/$defs/Node"}, "title": "Children", "type": "array"}, "next": {"anyOf": [{"$ref": "#/$defs/Node"}, {"type": "null"}]}}, "required": ["value", "children", "next"], "title": "Node", "type": "object", "additionalProperties": false}}, "properties": {"name": {"title": "Name", "type": "string"}, "age": {"maximum": 130, "minimum": 0, "title": "Age", "type": "integer"}, "email": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Email"}, "born": {"format": "date", "title": "Born", "type": "string"}, "updated": {"format": "date-time", "title": "Updated", "type": "string"}, "id": {"format": "uuid", "title": "Id", "type": "string"}, "color": {"$ref": "#/$defs/Color"}, "kind": {"enum": ["a", "b"], "title": "Kind", "type": "string"}, "tags": {"items": {"type": "string"}, "maxItems": 3, "minItems": 1, "title": "Tags", "type": "array"}, "address": {"$ref": "#/$defs/Address"}, "pets": {"items": {"anyOf": [{"$ref": "#/$defs/Address"}, {"$ref": "#/$defs/Node"}]}, "title": "Pets", "type": "array"}, "score": {"exclusiveMaximum": 1, "exclusiveMinimum": 0, "title": "Score", "type": "number"}}, "required": ["name", "age", "email", "born", "updated", "id", "color", "kind", "tags", "address", "pets", "score"], "title": "Person", "type": "object", "additionalProperties": false}
            """
        var documents = Set<JSONValue>()
        for seed in UInt64(0)..<20 {
            let document = try generate(schema, seed: seed)
            #expect(document.objectValue?.count == 12)
            #expect(SampleWords.postalCodes.contains(document["address"]?["zip_code"]?.stringValue ?? ""))
            documents.insert(document)
        }
        #expect(documents.count == 20)
        #expect(try generate(schema, seed: 7) == generate(schema, seed: 7), "the same seed gives the same document")
    }

    @Test func hostileSchemasStopAtTheLimits() throws {
        #expect(try failure(#"{"type": "array", "minItems": 100000}"#).map(isLimit) == true)
        #expect(try failure(#"{"type": "string", "minLength": 1000000}"#).map(isLimit) == true)
        // Each level offers two alternatives that both fail only at the bottom: exponential work.
        var levels = ##""l0": {"type": "object", "required": ["x"], "properties": {"x": {"const": 1, "type": "string"}}}"##
        for level in 1...30 {
            levels += ##", "l\##(level)": {"anyOf": [{"$ref": "#/$defs/l\##(level - 1)"}, {"$ref": "#/$defs/l\##(level - 1)"}]}"##
        }
        let exponential = try failure(##"{"$defs": {\##(levels)}, "$ref": "#/$defs/l30"}"##)
        #expect(exponential.map(isLimit) == true)
        // A required recursion with no way out has no finite document.
        let endless = try failure(##"{"type": "object", "required": ["next"], "properties": {"next": {"$ref": "#"}}}"##)
        #expect(endless?.isRecoverable == true)
        let cycle = try failure(##"{"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"allOf": [{"$ref": "#/$defs/a"}]}}, "$ref": "#/$defs/a"}"##)
        #expect(cycle == .invalidSchema(##"$ref "#/$defs/a" leads back to itself without any value in between"##))
        #expect(
            try failure(#"{"$ref": "https://example.com/schema.json"}"#)
                == .invalidSchema(
                    #"$ref "https://example.com/schema.json" is not supported: only references into the schema itself (#/...) are"#))
        #expect(
            try failure(##"{"$ref": "#/$defs/missing"}"##) == .invalidSchema(##"$ref "#/$defs/missing" points to nothing in the schema"##))
        #expect(
            try failure(#"{"type": "string", "minLength": "3"}"#)
                == .invalidSchema(#"keyword "minLength" must be a non-negative integer, not string"#))
        var small = StructuredOutputLimits()
        small.maximumValues = 10
        #expect(try failure(#"{"type": "array", "minItems": 20, "items": {"type": "integer"}}"#, limits: small).map(isLimit) == true)
    }

    @Test func deepSchemasStayWithinTheStack() throws {
        var deep = #"{"type": "integer"}"#
        for _ in 0..<100 { deep = #"{"type": "array", "minItems": 1, "items": \#(deep)}"# }
        #expect(try failure(deep)?.isRecoverable == true)
        var chained = ""
        for index in 0..<500 { chained += ##""d\##(index)": {"$ref": "#/$defs/d\##(index + 1)"}, "## }
        let long = try failure(##"{"$defs": {\##(chained)"d500": {"type": "integer"}}, "$ref": "#/$defs/d0"}"##)
        #expect(long.map(isLimit) == true)
    }

    @Test func aLongEnumIsHashedOnceNotScannedForEveryItem() throws {
        let values = (0..<20_000).map(String.init).joined(separator: ", ")
        var limits = StructuredOutputLimits()
        // A scan of the list for each of the 200 items would take 4,000,000 comparisons, and
        // intersecting the two lists below pair by pair 400,000,000.
        limits.maximumOperations = 200_000
        let schema = #"{"type": "array", "minItems": 200, "maxItems": 200, "items": {"enum": [\#(values)]}}"#
        let document = try generate(schema, limits: limits)
        #expect(document.arrayValue?.count == 200)
        // So is the intersection of two long enums merged from allOf.
        let merged = try generate(#"{"allOf": [{"enum": [\#(values)]}, {"enum": [\#(values), -1]}]}"#, limits: limits)
        #expect((0..<20_000).contains(merged.intValue ?? -1))
    }

    @Test func patternSamplesAreChargedToTheDocument() throws {
        var limits = StructuredOutputLimits()
        limits.maximumOperations = 1_000_000
        // Each try writes up to 10,000 characters that keep thousands of the ~19,000 states live.
        let error = try failure(#"{"type": "string", "pattern": "(?:a{1000}){19}b", "minLength": 9000}"#, limits: limits)
        #expect(error.map(isLimit) == true)
        #expect(error?.description.contains("1000000 operations") == true)
    }

    @Test func requiredNamesAreCountedOnce() throws {
        let names = Array(repeating: #""a""#, count: 20_000).joined(separator: ", ")
        let document = try generate(#"{"type": "object", "required": [\#(names)], "properties": {"a": {"type": "integer"}}}"#)
        #expect(document.objectValue?.count == 1)
    }
}
