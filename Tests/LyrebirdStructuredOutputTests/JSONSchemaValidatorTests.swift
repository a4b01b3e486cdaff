import LyrebirdPluginAPI
import Testing

@testable import LyrebirdStructuredOutput

@Suite struct JSONSchemaValidatorTests {
    private func problems(_ document: String, _ schema: String, limits: StructuredOutputLimits = .standard) throws -> [String] {
        var validator = JSONSchemaValidator(schema: try JSONValue.parse(schema), limits: limits)
        return try validator.problems(of: try JSONValue.parse(document)).map(\.description)
    }

    private func isLimit(_ schema: String, _ document: String, operations: Int) throws -> Bool {
        var limits = StructuredOutputLimits()
        limits.maximumOperations = operations
        do {
            _ = try problems(document, schema, limits: limits)
            return false
        } catch {
            if case .limitExceeded = error as? StructuredOutputError { return true }
            throw error
        }
    }

    private let person = ##"""
        {"type": "object", "required": ["name", "address", "tags"], "additionalProperties": false,
         "properties": {"name": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 2},
           "address": {"$ref": "#/$defs/Address"}},
         "$defs": {"Address": {"type": "object", "required": ["zip"], "properties": {"zip": {"type": "string", "pattern": "^\\d{5}$"}}}}}
        """##

    @Test func problemsNameTheValueAtFault() throws {
        #expect(try problems(#"{"name": "Ada", "address": {"zip": "75001"}, "tags": []}"#, person) == [])
        #expect(
            try problems(#"{"name": 3, "address": {"zip": "7500"}, "tags": ["a", 1, "c"], "extra": true}"#, person) == [
                #"/address/zip: does not match the pattern "^\\d{5}$""#,
                "/extra: is not allowed (additionalProperties is false)",
                "/name: expected string, found integer",
                "/tags: has 3 items, more than maxItems 2",
                "/tags/1: expected string, found integer",
            ])
        #expect(try problems(#"{}"#, person).first == #"(root): the required property "name" is missing"#)
        #expect(try problems("[]", person) == ["(root): expected object, found array"])
    }

    @Test func onlyTheFirstFewProblemsAreReported() throws {
        var limits = StructuredOutputLimits()
        limits.maximumProblems = 2
        let found = try problems("[1, 2, 3, 4]", #"{"items": {"type": "string"}}"#, limits: limits)
        #expect(found == ["/0: expected string, found integer", "/1: expected string, found integer"])
    }

    @Test func numbersAndStrings() throws {
        let schema =
            #"{"type": "object", "properties": {"n": {"type": "number", "multipleOf": 0.1, "exclusiveMaximum": 1},"#
            + #" "i": {"type": "integer", "minimum": 2}, "s": {"type": "string", "minLength": 2, "maxLength": 3, "format": "email"}}}"#
        #expect(try problems(#"{"n": 0.3, "i": 2.0, "s": "a@b"}"#, schema) == [])
        #expect(
            try problems(#"{"n": 1, "i": 1.5, "s": "é"}"#, schema) == [
                "/i: expected integer, found number", "/n: 1 is not less than 1",
                "/s: has 1 characters, fewer than minLength 2", #"/s: "é" is not a valid email"#,
            ])
        #expect(try problems("0.25", #"{"multipleOf": 0.1}"#) == ["(root): 0.25 is not a multiple of 0.1"])
        #expect(try problems("5", #"{"minimum": 5, "exclusiveMinimum": true}"#) == ["(root): 5 is not greater than 5"])
    }

    @Test func enumsConstsAndUniqueItemsCompareNumbersByValue() throws {
        #expect(try problems("1.0", #"{"enum": [1, "a"]}"#) == [])
        #expect(try problems(#"{"a": [1]}"#, #"{"const": {"a": [1.0]}}"#) == [])
        #expect(try problems(#""b""#, #"{"enum": [1, "a"]}"#) == [#"(root): "b" is not one of the enum values [1, "a"]"#])
        #expect(try problems("[1, 2, 1.0]", #"{"uniqueItems": true}"#) == ["(root): items 0 and 2 are equal (uniqueItems)"])
        #expect(try problems("null", #"{"type": "string", "nullable": true}"#) == [])
    }

    @Test func combinators() throws {
        let oneOf = #"{"oneOf": [{"type": "integer"}, {"type": "number", "maximum": 2}]}"#
        #expect(try problems("1.5", oneOf) == [])
        #expect(try problems("3", oneOf) == [])
        #expect(try problems("1", oneOf) == ["(root): matches more than one alternative of oneOf"])
        #expect(
            try problems(#""x""#, #"{"anyOf": [{"type": "integer"}, {"type": "null"}]}"#) == [
                "(root): matches none of the 2 alternatives of anyOf; the first fails at (root): expected integer, found string"
            ])
        #expect(try problems("3", #"{"not": {"type": "integer"}}"#) == ["(root): matches the schema under not"])
        let conditional =
            #"{"if": {"properties": {"kind": {"const": "cat"}}}, "then": {"required": ["lives"]}, "else": {"required": ["bark"]}}"#
        #expect(try problems(#"{"kind": "cat"}"#, conditional) == [#"(root): the required property "lives" is missing"#])
        #expect(try problems(#"{"kind": "dog"}"#, conditional) == [#"(root): the required property "bark" is missing"#])
        #expect(
            try problems(#"{"a": 1}"#, #"{"allOf": [{"required": ["a"]}, {"required": ["b"]}]}"#) == [
                #"(root): the required property "b" is missing"#
            ])
    }

    @Test func patternPropertiesAndPropertyNames() throws {
        let schema =
            #"{"patternProperties": {"^x-": {"type": "integer"}}, "additionalProperties": false, "propertyNames": {"maxLength": 4}}"#
        #expect(try problems(#"{"x-a": 1}"#, schema) == [])
        #expect(
            try problems(#"{"x-a": "1", "other": 2}"#, schema) == [
                "/other: is not allowed (additionalProperties is false)", "/x-a: expected integer, found string",
            ])
        #expect(try problems(#"{"x-abc": 1}"#, schema) == ["/x-abc: has 5 characters, more than maxLength 4"])
    }

    @Test func formatsAcceptAndRefuse() {
        let cases: [(StringFormat, accepted: [String], refused: [String])] = [
            (
                .dateTime, ["2024-02-29T23:59:60Z", "2024-01-01t10:00:00.5+05:30"],
                ["2023-02-29T10:00:00Z", "2024-01-01T10:00:00", "2024-01-01 10:00:00Z"]
            ),
            (.date, ["2024-12-31"], ["2024-13-01", "24-01-01", "2024-1-01"]),
            (.time, ["09:30:00Z", "23:59:59.999-08:00"], ["24:00:00Z", "09:30Z", "09:30:00"]),
            (.duration, ["P1Y2M3DT4H5M6S", "PT5M", "P3W", "P1D"], ["P", "PT", "P1H", "P1W2D", "1D"]),
            (.email, ["ada@example.com"], ["ada", "@example.com", "a@b@c", "a b@example.com"]),
            (.hostname, ["example.com", "a-b.c"], ["-a.com", "a..b", String(repeating: "a", count: 64) + ".com"]),
            (.ipv4, ["192.0.2.1", "0.0.0.0"], ["256.1.1.1", "01.2.3.4", "1.2.3"]),
            (.ipv6, ["2001:db8::1", "::", "::ffff:192.0.2.1", "1:2:3:4:5:6:7:8"], ["1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", ":1:2"]),
            (.uri, ["https://example.com/a?b#c", "urn:isbn:0451450523"], ["/relative", "has space:x", "1http://x"]),
            (.uriReference, ["/relative/path", "?q=1"], ["with space"]),
            (
                .uuid, ["123e4567-e89b-12d3-a456-426614174000"],
                ["123e4567e89b12d3a456426614174000", "123e4567-e89b-12d3-a456-42661417400g"]
            ),
        ]
        for (format, accepted, refused) in cases {
            for text in accepted { #expect(format.accepts(text), "\(format.rawValue) should accept \(text)") }
            for text in refused { #expect(!format.accepts(text), "\(format.rawValue) should refuse \(text)") }
        }
    }

    @Test func brokenSchemasAreReportedNotGuessed() throws {
        #expect(throws: StructuredOutputError.self) { try problems("1", ##"{"$ref": "#/nowhere"}"##) }
        #expect(throws: StructuredOutputError.self) {
            try problems("1", ##"{"$defs": {"a": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"}"##)
        }
        #expect(throws: StructuredOutputError.self) { try problems("1", #"{"type": "integer", "multipleOf": 0}"#) }
        #expect(throws: StructuredOutputError.self) { try problems("1", #"{"type": "decimal"}"#) }
        #expect(try problems("1", #"{"unknownKeyword": {"type": "string"}}"#) == [])
    }

    @Test func enumsAreHashedWithSchemaEquality() throws {
        let schema = #"{"items": {"enum": [1, "a", {"x": [1, {"y": null}]}, [true], 9007199254740993]}}"#
        #expect(try problems(#"[1.0, "a", {"x": [1.0, {"y": null}]}, [true], 9007199254740993]"#, schema) == [])
        // 2^53 is not the integer 2^53 + 1, though both are the same Double.
        #expect(try problems("[9007199254740992]", schema).count == 1)
        #expect(try problems(#"[{"x": [1]}, [true, true], "A"]"#, schema).count == 3)
        // A long enum is hashed once: 20,000 items against 50,000 values stay far within budget.
        let values = (0..<50_000).map(String.init).joined(separator: ", ")
        let items = Array(repeating: "49999", count: 20_000).joined(separator: ", ")
        #expect(try !isLimit(#"{"items": {"enum": [\#(values)]}}"#, "[\(items)]", operations: 200_000))
        #expect(
            try problems("[\(items), 50000]", #"{"items": {"enum": [\#(values)]}}"#) == [
                "/20000: 50000 is not one of the enum values [0, 1, 2, 3, 4, ...]"
            ])
    }

    @Test func uniqueItemsCostTheItemsNotTheirPairs() throws {
        let distinct = (0..<5_000).map { #"[0, 0, 0, \#($0)]"# }.joined(separator: ", ")
        // 12.5 million pairs; hashing reads each item once.
        #expect(try !isLimit(#"{"uniqueItems": true}"#, "[\(distinct)]", operations: 100_000))
        #expect(try problems("[1, 2, 2.0, 1]", #"{"uniqueItems": true}"#) == ["(root): items 1 and 2 are equal (uniqueItems)"])
        // Large items cost their size.
        let large = (0..<100).map { "[" + String(repeating: "0, ", count: 1_000) + "\($0)]" }.joined(separator: ", ")
        #expect(try isLimit(#"{"uniqueItems": true}"#, "[\(large)]", operations: 50_000))
    }

    @Test func patternPropertiesAndConstsAreCharged() throws {
        let patterns = (0..<1_000).map { #""^z\#($0)$": {"type": "string"}"# }.joined(separator: ", ")
        let members = (0..<1_000).map { #""a\#($0)": 1"# }.joined(separator: ", ")
        let schema = #"{"patternProperties": {\#(patterns)}}"#
        // A million tests of a name against a pattern, each at least a few operations.
        #expect(try isLimit(schema, "{\(members)}", operations: 1_000_000))
        #expect(try problems(#"{"z7": 1, "a": 1}"#, schema) == ["/z7: expected string, found integer"])
        let long = "[" + String(repeating: "0, ", count: 10_000) + "0]"
        // oneOf compares with both consts, each comparison costing the 10,002 values read.
        let twice = #"{"oneOf": [{"const": \#(long)}, {"const": \#(long)}]}"#
        #expect(try isLimit(twice, long, operations: 15_000))
        #expect(try !isLimit(twice, long, operations: 30_000))
    }

    @Test func aLongTextAgainstALargePatternIsRefusedNotRun() throws {
        let text = "\"" + String(repeating: "a", count: 40_000) + "\""
        #expect(try isLimit(#"{"type": "string", "pattern": "(?:a{1000}){19}b"}"#, text, operations: 1_000_000))
    }

    @Test func longKeywordListsAreChargedAtEveryVisit() throws {
        let names = (0..<20_000).map { #""n\#($0)""# }.joined(separator: ", ")
        let schema = #"{"items": {"anyOf": [{"required": [\#(names)]}, {}]}}"#
        let objects = "[" + Array(repeating: "{}", count: 100).joined(separator: ", ") + "]"
        // Each object reads the 20,000 names again: 2,000,000 in all.
        #expect(try isLimit(schema, objects, operations: 1_000_000))
        #expect(try !isLimit(schema, objects, operations: 3_000_000))
        // Only the problems reported are made.
        #expect(try problems("{}", #"{"required": [\#(names)]}"#).count == 5)
    }
}
