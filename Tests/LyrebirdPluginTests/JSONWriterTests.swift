import LyrebirdPluginAPI
import Testing

@Suite struct JSONWriterTests {
    @Test func stringsNeedingEscapesAnywhereRoundTrip() throws {
        // Escapes before, inside and across the eight-byte words the writer checks at once.
        let specials: [String] = ["\"", "\\", "\n", "\r", "\t", "\u{0}", "\u{1F}", "é", "😀", "\u{7F}"]
        for special in specials {
            for position in 0..<20 {
                let text = String(repeating: "a", count: position) + special + String(repeating: "b", count: 19 - position)
                var writer = JSONWriter()
                writer.string(text)
                #expect(try JSONValue.parse(writer.bytes) == .string(text))
            }
        }
        var writer = JSONWriter()
        writer.string("tab\there \"quoted\" back\\slash \u{1}")
        #expect(writer.string == #""tab\there \"quoted\" back\\slash \u0001""#)
    }

    @Test func integersAndNestingAreWrittenCompactly() {
        var writer = JSONWriter()
        writer.object { writer in
            writer.member("min", Int.min)
            writer.member("max", Int.max)
            writer.member("zero", 0)
            writer.member(
                "list",
                array: { writer in
                    writer.integer(-7)
                    writer.object { _ in }
                    writer.array { _ in }
                })
            writer.nullMember("none")
        }
        #expect(writer.string == #"{"min":-9223372036854775808,"max":9223372036854775807,"zero":0,"list":[-7,{},[]],"none":null}"#)
    }
}
