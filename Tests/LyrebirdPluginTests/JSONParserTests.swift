import LyrebirdPluginAPI
import Testing

/// `JSONValue.parse`: RFC 8259 exactly, errors a client can act on, and no document that
/// costs more than its size.
@Suite struct JSONParserTests {
    /// The error parsing `text` raises, or `nil` when it parses.
    static func failure(_ text: String, maximumDepth: Int = JSONValue.defaultMaximumDepth) -> JSONParseError? {
        failure(Array(text.utf8), maximumDepth: maximumDepth)
    }

    static func failure(_ bytes: [UInt8], maximumDepth: Int = JSONValue.defaultMaximumDepth) -> JSONParseError? {
        do {
            _ = try JSONValue.parse(bytes, maximumDepth: maximumDepth)
            return nil
        } catch {
            return error
        }
    }

    static func nested(_ depth: Int, around inner: String = "") -> String {
        String(repeating: "[", count: depth) + inner + String(repeating: "]", count: depth)
    }

    // MARK: Values

    @Test func everyKindOfValue() throws {
        let text =
            #" { "n" : null , "t" : true , "f" : false , "i" : -12 , "d" : 0.5 , "s" : "hi" , "a" : [ 1 , [ ] , { } ] , "o" : { "k" : "v" } } "#
        let expected: JSONValue = [
            "n": nil, "t": true, "f": false, "i": -12, "d": 0.5, "s": "hi", "a": [1, [], [:]], "o": ["k": "v"],
        ]
        #expect(try JSONValue.parse(text) == expected)
        #expect(try JSONValue.parse("\t\r\n 7 \n") == 7)
        #expect(try JSONValue.parse(#""""#) == "")
    }

    @Test func stringEscapesAndUnicode() throws {
        #expect(try JSONValue.parse(#""\"\\\/\b\f\n\r\t""#) == "\"\\/\u{08}\u{0C}\n\r\t")
        #expect(try JSONValue.parse(#""caf\u00e9 \u20AC \u0000 \uD83D\uDE00 \ud83d\ude00""#) == "café € \u{0} 😀 😀")
        #expect(try JSONValue.parse(#""plain text, then an escape: \n""#) == "plain text, then an escape: \n")
        // Raw multi-byte UTF-8 goes through untouched, with and without escapes around it.
        #expect(try JSONValue.parse(#""é€😀""#) == "é€😀")
        #expect(try JSONValue.parse(#""é\t€😀""#) == "é\t€😀")
    }

    @Test(
        arguments: [
            ("0", JSONValue.integer(0)),
            ("-0", .integer(0)),
            ("42", .integer(42)),
            ("-17", .integer(-17)),
            ("9223372036854775807", .integer(.max)),
            ("-9223372036854775808", .integer(.min)),
            ("9223372036854775808", .number(9.223372036854775808e18)),
            ("-9223372036854775809", .number(-9.223372036854775809e18)),
            ("123456789012345678901234567890", .number(1.2345678901234567890123456789e29)),
            ("1.5", .number(1.5)),
            ("1.0", .number(1)),
            ("-0.25", .number(-0.25)),
            ("0.1", .number(0.1)),
            ("1e3", .number(1000)),
            ("1E+3", .number(1000)),
            ("2.5e-3", .number(0.0025)),
            ("1e-07", .number(1e-7)),
            ("1.7976931348623157e308", .number(.greatestFiniteMagnitude)),
            ("5e-324", .number(.leastNonzeroMagnitude)),
            ("1e-400", .number(0)),
        ] as [(String, JSONValue)])
    func numbers(_ text: String, _ expected: JSONValue) throws {
        #expect(try JSONValue.parse(text) == expected)
    }

    @Test func negativeZeroKeepsItsSignOnlyAsADouble() throws {
        let value = try JSONValue.parse("-0.0")
        #expect(value == .number(0))
        #expect(value.doubleValue?.sign == .minus)
    }

    @Test func theLastOfRepeatedKeysWins() throws {
        #expect(try JSONValue.parse(#"{"a": 1, "b": 2, "a": 3}"#) == ["a": 3, "b": 2])
    }

    @Test func aLeadingByteOrderMarkIsSkipped() throws {
        #expect(try JSONValue.parse([0xEF, 0xBB, 0xBF] + Array("[1]".utf8)) == [1])
        #expect(Self.failure([0x20, 0xEF, 0xBB, 0xBF, 0x31])?.message == "Unexpected byte 0xEF at byte 1")
    }

    @Test func collectionsWithoutContiguousStorageParseToo() throws {
        #expect(try JSONValue.parse(Array(#"{"a":[true]}"#.utf8).lazy.map { $0 }) == ["a": [true]])
    }

    // MARK: Rejections

    @Test(
        arguments: [
            ("", "Unexpected end of input", 0),
            ("   ", "Unexpected end of input", 3),
            (#"{"a": [1, 2"#, "Unexpected end of input", 11),
            (#""abc"#, "Unexpected end of input", 4),
            ("tru", "Unexpected end of input", 3),
            ("[1] x", "Unexpected character 'x' at byte 4", 4),
            ("1 2", "Unexpected character '2' at byte 2", 2),
            ("[1 2]", "Unexpected character '2' at byte 3", 3),
            ("[1,]", "Unexpected character ']' at byte 3", 3),
            (#"{"a":1,}"#, "Unexpected character '}' at byte 7", 7),
            (#"{"a" 1}"#, "Unexpected character '1' at byte 5", 5),
            ("{a:1}", "Unexpected character 'a' at byte 1", 1),
            ("[1;2]", "Unexpected character ';' at byte 2", 2),
            ("trve", "Unexpected character 'v' at byte 2", 2),
            ("// note\n1", "Unexpected character '/' at byte 0", 0),
            ("/* note */ 1", "Unexpected character '/' at byte 0", 0),
            ("NaN", "Unexpected character 'N' at byte 0", 0),
            ("Infinity", "Unexpected character 'I' at byte 0", 0),
            ("-Infinity", "Unexpected character 'I' at byte 1", 1),
            ("'a'", "Unexpected character ''' at byte 0", 0),
            ("\u{0C}1", "Unexpected byte 0x0C at byte 0", 0),
            ("\u{A0}1", "Unexpected byte 0xC2 at byte 0", 0),
            ("01", "Number with a leading zero at byte 0", 0),
            ("[-012]", "Number with a leading zero at byte 1", 1),
            (".5", "Unexpected character '.' at byte 0", 0),
            ("+1", "Unexpected character '+' at byte 0", 0),
            ("1.", "Unexpected end of input", 2),
            ("1.e5", "Unexpected character 'e' at byte 2", 2),
            ("1e", "Unexpected end of input", 2),
            ("[1e+]", "Unexpected character ']' at byte 4", 4),
            ("-", "Unexpected end of input", 1),
            ("0x10", "Unexpected character 'x' at byte 1", 1),
            ("1e400", "Number out of range at byte 0", 0),
            ("[-1e400]", "Number out of range at byte 1", 1),
            ("\"a\u{01}b\"", "Unescaped control character 0x01 in string at byte 2", 2),
            ("\"a\nb\"", "Unescaped control character 0x0A in string at byte 2", 2),
            (#""\x""#, "Invalid escape sequence at byte 1", 1),
            (#""ab\'""#, "Invalid escape sequence at byte 3", 3),
            (#""\u12G4""#, "Invalid escape sequence at byte 1", 1),
            (#""\u12"#, "Unexpected end of input", 5),
            (#""\"#, "Unexpected end of input", 2),
            (#""\uD800""#, "Unpaired surrogate \\uD800 in string at byte 1", 1),
            (#""\uD800x""#, "Unpaired surrogate \\uD800 in string at byte 1", 1),
            (#""\uD800\u0041""#, "Unpaired surrogate \\uD800 in string at byte 1", 1),
            (#""\uD800\uD800""#, "Unpaired surrogate \\uD800 in string at byte 1", 1),
            (#""\uD800\n""#, "Unpaired surrogate \\uD800 in string at byte 1", 1),
            (#""ab\uDC00""#, "Unpaired surrogate \\uDC00 in string at byte 3", 3),
            (#""\uD800\uZZZZ""#, "Invalid escape sequence at byte 7", 7),
        ] as [(String, String, Int)])
    func rejects(_ text: String, _ message: String, _ offset: Int) throws {
        let error = try #require(Self.failure(text))
        #expect(error.message == message)
        #expect(error.offset == offset)
        #expect(error.description == message)
    }

    @Test(
        arguments: [
            [0x22, 0xFF, 0x22],  // never valid
            [0x22, 0x80, 0x22],  // a continuation byte alone
            [0x22, 0xC0, 0xAF, 0x22],  // overlong "/"
            [0x22, 0xE0, 0x80, 0xAF, 0x22],  // overlong, three bytes
            [0x22, 0xED, 0xA0, 0x80, 0x22],  // an encoded surrogate
            [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // past U+10FFFF
            [0x22, 0xE2, 0x82, 0x22],  // cut short by the quote
            [0x22, 0xE2, 0x82],  // cut short by the end
            [0x22, 0xF0, 0x9F, 0x98, 0x41, 0x22],  // a bad last byte
        ] as [[UInt8]])
    func rejectsInvalidUTF8InStrings(_ bytes: [UInt8]) throws {
        let error = try #require(Self.failure(bytes))
        #expect(error.message == "Invalid UTF-8 in string at byte 1")
        #expect(error.offset == 1)
        // The same bytes are fine once they are well-formed.
        #expect(try JSONValue.parse([0x22, 0xF0, 0x9F, 0x98, 0x80, 0xC3, 0xA9, 0x22]) == "😀é")
    }

    // MARK: Depth

    @Test func documentsNestedToTheLimitParseAndOneLevelMoreFails() throws {
        #expect(JSONValue.defaultMaximumDepth == 128)
        var expected: JSONValue = "x"
        for _ in 0..<128 { expected = [expected] }
        #expect(try JSONValue.parse(Self.nested(128, around: #""x""#)) == expected)
        let error = try #require(Self.failure(Self.nested(129)))
        #expect(error.message == "JSON nested deeper than 128 levels at byte 128")
        #expect(error.offset == 128)

        let objects = String(repeating: #"{"a":"#, count: 129) + "1" + String(repeating: "}", count: 129)
        #expect(Self.failure(objects)?.message == "JSON nested deeper than 128 levels at byte 640")
        #expect(Self.failure(String(objects.dropFirst(5).dropLast())) == nil)
    }

    @Test func theLimitCanBeChosen() throws {
        #expect(try JSONValue.parse("[[1], {}]", maximumDepth: 2) == [[1], [:]])
        #expect(Self.failure("[[1], {}]", maximumDepth: 1)?.message == "JSON nested deeper than 1 levels at byte 1")
        #expect(try JSONValue.parse(#""only a scalar""#, maximumDepth: 0) == "only a scalar")
        #expect(Self.failure("[]", maximumDepth: 0)?.offset == 0)
        #expect(try JSONValue.parse(Self.nested(1000), maximumDepth: 1000).arrayValue?.count == 1)
    }

    @Test func hostileNestingCostsNoMoreThanItsSize() throws {
        // 10 kB that nests 5,000 deep stops at the limit.
        let deep = try #require(Self.failure(Self.nested(5000)))
        #expect(deep.message == "JSON nested deeper than 128 levels at byte 128")
        let deepObjects = String(repeating: #"{"":"#, count: 2500)
        #expect(Self.failure(deepObjects)?.message.hasPrefix("JSON nested deeper than 128 levels") == true)

        // 200 kB of siblings, each nested 100 deep, parses whole.
        let sibling = Self.nested(100, around: "7")
        let text = "[" + Array(repeating: sibling, count: 1000).joined(separator: ",") + "]"
        #expect(text.utf8.count > 200_000)
        var expected: JSONValue = 7
        for _ in 0..<100 { expected = [expected] }
        let elements = try #require(try JSONValue.parse(text).arrayValue)
        #expect(elements.count == 1000)
        #expect(elements.allSatisfy { $0 == expected })
    }

    // MARK: Round trip

    @Test func whatTheWriterWritesParsesBackTheSame() throws {
        let document: JSONValue = [
            "model": "gpt-4o",
            "temperature": 0.7,
            "n": 1,
            "stream": false,
            "stop": nil,
            "limits": [.integer(.max), .integer(.min), 0, -1],
            "doubles": [1.0, -0.5, 1e300, 1e-7, 123_456.789, 1e15, 5e-324],
            "text": "quote \" backslash \\ slash / newline \n tab \t nul \u{0} bell \u{07} café 😀",
            "messages": [
                ["role": "system", "content": "Be brief."],
                ["role": "user", "content": [["type": "text", "text": "hi"], ["type": "image_url", "image_url": ["url": "data:,"]]]],
            ],
            "empty": ["array": [], "object": [:], "string": ""],
            "deep": [[[[["bottom": [true, false, nil]]]]]],
        ]
        let text = document.serialized
        #expect(try JSONValue.parse(text) == document)
    }
}
