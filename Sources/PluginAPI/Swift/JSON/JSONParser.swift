/// Parses UTF-8 JSON text (RFC 8259, strictly) into a `JSONValue` in one pass over the bytes.
///
/// Open arrays and objects are kept on an explicit stack rather than the call stack, so no
/// input can overflow the thread's stack, and every byte is looked at a bounded number of
/// times, so the work is linear in the input whatever its shape.
struct JSONParser {
    /// An array or object whose closing bracket has not been reached yet.
    private struct OpenContainer {
        var isObject: Bool
        /// Where the container's values begin in `pendingElements` or `pendingMembers`.
        var start: Int
        /// The key whose value is being parsed, in an object.
        var key = ""
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private let maximumDepth: Int
    private var index = 0
    /// Strings with escapes are decoded here; one buffer serves them all.
    private var scratch: [UInt8] = []
    /// The values of all open arrays, the innermost array's last. Containers share these
    /// buffers rather than each growing its own array or dictionary, so each is built once, at
    /// its final size, when it closes.
    private var pendingElements: [JSONValue] = []
    /// The members of all open objects, the innermost object's last.
    private var pendingMembers: [(key: String, value: JSONValue)] = []

    init(bytes: UnsafeBufferPointer<UInt8>, maximumDepth: Int) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
    }

    /// Parses the whole input as one JSON value.
    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        // Foundation's decoder, which came before this parser, accepted a UTF-8 byte order mark.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
        var open: [OpenContainer] = []
        open.reserveCapacity(16)
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw endOfInput() }
            var value: JSONValue
            switch bytes[index] {
            case .openBrace, .openBracket:
                guard open.count < maximumDepth else {
                    throw JSONParseError(message: "JSON nested deeper than \(maximumDepth) levels at byte \(index)", offset: index)
                }
                let isObject = bytes[index] == .openBrace
                index += 1
                skipWhitespace()
                if index < bytes.count, bytes[index] == (isObject ? .closeBrace : .closeBracket) {
                    index += 1
                    value = isObject ? .object([:]) : .array([])
                } else {
                    var container = OpenContainer(isObject: isObject, start: isObject ? pendingMembers.count : pendingElements.count)
                    if isObject { container.key = try parseKey() }
                    open.append(container)
                    continue
                }
            case .quote: value = .string(try parseString())
            case .minus, .digit0 ... .digit9: value = try parseNumber()
            case UInt8(ascii: "t"):
                try expect("true")
                value = .bool(true)
            case UInt8(ascii: "f"):
                try expect("false")
                value = .bool(false)
            case UInt8(ascii: "n"):
                try expect("null")
                value = .null
            default: throw unexpected()
            }
            // Store the value in its container; when that was the container's last value, the
            // closed container is in turn a value for the one around it.
            while let top = open.indices.last {
                if open[top].isObject {
                    pendingMembers.append((open[top].key, value))
                } else {
                    pendingElements.append(value)
                }
                skipWhitespace()
                guard index < bytes.count else { throw endOfInput() }
                if bytes[index] == .comma {
                    index += 1
                    if open[top].isObject {
                        skipWhitespace()
                        open[top].key = try parseKey()
                    }
                    break
                }
                guard bytes[index] == (open[top].isObject ? .closeBrace : .closeBracket) else { throw unexpected() }
                index += 1
                value = close(open.removeLast())
            }
            if open.isEmpty {
                skipWhitespace()
                guard index == bytes.count else { throw unexpected() }
                return value
            }
        }
    }

    /// Builds a container that has reached its closing bracket from its pending values.
    private mutating func close(_ container: OpenContainer) -> JSONValue {
        if container.isObject {
            var members = [String: JSONValue](minimumCapacity: pendingMembers.count - container.start)
            // A repeated key keeps its last value, as JavaScript's `JSON.parse` does.
            for (key, value) in pendingMembers[container.start...] { members[key] = value }
            pendingMembers.removeSubrange(container.start...)
            return .object(members)
        }
        let elements = Array(pendingElements[container.start...])
        pendingElements.removeSubrange(container.start...)
        return .array(elements)
    }

    // MARK: Tokens

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case .space, .tab, .lineFeed, .carriageReturn: index += 1
            default: return
            }
        }
    }

    /// Parses an object key and the colon after it.
    private mutating func parseKey() throws(JSONParseError) -> String {
        guard index < bytes.count, bytes[index] == .quote else { throw unexpected() }
        let key = try parseString()
        skipWhitespace()
        guard index < bytes.count, bytes[index] == .colon else { throw unexpected() }
        index += 1
        return key
    }

    private mutating func expect(_ literal: StaticString) throws(JSONParseError) {
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        for byte in expected {
            guard index < bytes.count, bytes[index] == byte else { throw unexpected() }
            index += 1
        }
    }

    // MARK: Numbers

    /// Parses a number: an `.integer` when it is written without fraction or exponent and fits
    /// in 64 bits, otherwise a `.number`.
    private mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = index
        let isNegative = bytes[index] == .minus
        if isNegative { index += 1 }
        guard index < bytes.count else { throw endOfInput() }
        var magnitude: UInt64 = 0
        var fitsMagnitude = true
        switch bytes[index] {
        case .digit0:
            index += 1
            if index < bytes.count, (.digit0 ... .digit9).contains(bytes[index]) {
                throw JSONParseError(message: "Number with a leading zero at byte \(start)", offset: start)
            }
        case .digit1 ... .digit9:
            while index < bytes.count, (.digit0 ... .digit9).contains(bytes[index]) {
                let (times10, overflow) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, carry) = times10.addingReportingOverflow(UInt64(bytes[index] - .digit0))
                fitsMagnitude = fitsMagnitude && !overflow && !carry
                magnitude = sum
                index += 1
            }
        default:
            throw unexpected()
        }
        var isInteger = true
        if index < bytes.count, bytes[index] == .period {
            isInteger = false
            index += 1
            try skipDigits()
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if index < bytes.count, bytes[index] == .plus || bytes[index] == .minus { index += 1 }
            try skipDigits()
        }
        if isInteger, fitsMagnitude {
            if !isNegative, magnitude <= UInt64(Int64.max) { return .integer(Int64(magnitude)) }
            // Two's complement reaches one further below zero than above: -2^63 fits.
            if isNegative, magnitude <= UInt64(Int64.max) + 1 { return .integer(Int64(bitPattern: 0 &- magnitude)) }
        }
        // The grammar is checked, so `Double` (strtod, correctly rounded) accepts the text.
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let number = Double(text), number.isFinite else {
            throw JSONParseError(message: "Number out of range at byte \(start)", offset: start)
        }
        return .number(number)
    }

    /// Skips one or more digits.
    private mutating func skipDigits() throws(JSONParseError) {
        guard index < bytes.count, (.digit0 ... .digit9).contains(bytes[index]) else { throw unexpected() }
        while index < bytes.count, (.digit0 ... .digit9).contains(bytes[index]) { index += 1 }
    }

    // MARK: Strings

    /// Parses a string from its opening quote.
    private mutating func parseString() throws(JSONParseError) -> String {
        index += 1
        var runStart = index
        try skipPlainBytes()
        if index < bytes.count, bytes[index] == .quote {
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[runStart..<index]), as: UTF8.self)
            index += 1
            return text
        }
        scratch.removeAll(keepingCapacity: true)
        while true {
            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            guard index < bytes.count else { throw endOfInput() }
            if bytes[index] == .quote {
                index += 1
                return String(decoding: scratch, as: UTF8.self)
            }
            try appendEscape()
            runStart = index
            try skipPlainBytes()
        }
    }

    /// Skips string content up to a quote, a backslash or the end of input, checking that it is
    /// well-formed UTF-8 without control characters.
    private mutating func skipPlainBytes() throws(JSONParseError) {
        // Eight bytes at a time while they are all plain ASCII; the loop below looks at the
        // word that is not, and finishes the string.
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            while index + 8 <= bytes.count {
                let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                guard Self.isPlainASCII(word) else { break }
                index += 8
            }
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == .quote || byte == .backslash { return }
            if byte < 0x20 {
                throw JSONParseError(message: "Unescaped control character \(Self.hex(byte)) in string at byte \(index)", offset: index)
            }
            if byte < 0x80 {
                index += 1
            } else {
                try skipMultibyteScalar()
            }
        }
    }

    /// Whether none of the eight bytes of `word` ends a string's plain run: each is ASCII, not a
    /// control character, a quote or a backslash (the classic "has zero byte" bit trick).
    private static func isPlainASCII(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ value: UInt64) -> Bool { (value &- ones) & ~value & highs != 0 }
        guard word & highs == 0 else { return false }
        let below = (word &- ones &* 0x20) & ~word & highs
        return below == 0 && !hasZeroByte(word ^ (ones &* 0x22)) && !hasZeroByte(word ^ (ones &* 0x5C))
    }

    /// Skips one multi-byte UTF-8 sequence, accepting only the well-formed ones of Unicode's
    /// table 3-7: no overlong forms, no surrogates, nothing past U+10FFFF.
    private mutating func skipMultibyteScalar() throws(JSONParseError) {
        var continuationCount = 2
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch bytes[index] {
        case 0xC2...0xDF: continuationCount = 1
        case 0xE0: secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: break
        case 0xED: secondRange = 0x80...0x9F
        case 0xF0: (continuationCount, secondRange) = (3, 0x90...0xBF)
        case 0xF1...0xF3: continuationCount = 3
        case 0xF4: (continuationCount, secondRange) = (3, 0x80...0x8F)
        default: throw invalidUTF8(at: index)
        }
        guard index + continuationCount < bytes.count, secondRange.contains(bytes[index + 1]) else { throw invalidUTF8(at: index) }
        for offset in 2..<continuationCount + 1 {
            guard (0x80...0xBF).contains(bytes[index + offset]) else { throw invalidUTF8(at: index) }
        }
        index += continuationCount + 1
    }

    /// Decodes the escape sequence at the backslash into `scratch`.
    private mutating func appendEscape() throws(JSONParseError) {
        let start = index
        guard index + 1 < bytes.count else { throw endOfInput() }
        let escaped: UInt8
        switch bytes[index + 1] {
        case .quote, .backslash, .slash: escaped = bytes[index + 1]
        case UInt8(ascii: "b"): escaped = 0x08
        case UInt8(ascii: "f"): escaped = 0x0C
        case UInt8(ascii: "n"): escaped = .lineFeed
        case UInt8(ascii: "r"): escaped = .carriageReturn
        case UInt8(ascii: "t"): escaped = .tab
        case UInt8(ascii: "u"):
            index += 2
            let unit = try parseHexQuad(escapeStart: start)
            var scalarValue = UInt32(unit)
            switch unit {
            case 0xD800...0xDBFF:
                // A high surrogate counts only with a low one escaped right after it.
                guard index + 1 < bytes.count, bytes[index] == .backslash, bytes[index + 1] == UInt8(ascii: "u") else {
                    throw unpairedSurrogate(unit, at: start)
                }
                let lowStart = index
                index += 2
                let low = try parseHexQuad(escapeStart: lowStart)
                guard (0xDC00...0xDFFF).contains(low) else { throw unpairedSurrogate(unit, at: start) }
                scalarValue = 0x10000 + (UInt32(unit - 0xD800) << 10) + UInt32(low - 0xDC00)
            case 0xDC00...0xDFFF:
                throw unpairedSurrogate(unit, at: start)
            default:
                break
            }
            // Surrogates are handled above, so every value left is a scalar.
            UTF8.encode(Unicode.Scalar(scalarValue)!) { scratch.append($0) }
            return
        default:
            throw JSONParseError(message: "Invalid escape sequence at byte \(start)", offset: start)
        }
        scratch.append(escaped)
        index += 2
    }

    /// Parses the four hex digits of a `\u` escape that began at `escapeStart`.
    private mutating func parseHexQuad(escapeStart: Int) throws(JSONParseError) -> UInt16 {
        var unit: UInt16 = 0
        for _ in 0..<4 {
            guard index < bytes.count else { throw endOfInput() }
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case .digit0 ... .digit9: digit = byte - .digit0
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw JSONParseError(message: "Invalid escape sequence at byte \(escapeStart)", offset: escapeStart)
            }
            unit = unit << 4 | UInt16(digit)
            index += 1
        }
        return unit
    }

    // MARK: Errors

    private func endOfInput() -> JSONParseError {
        JSONParseError(message: "Unexpected end of input", offset: bytes.count)
    }

    /// The error for the byte at `index`, which the grammar does not allow there.
    private func unexpected() -> JSONParseError {
        guard index < bytes.count else { return endOfInput() }
        let byte = bytes[index]
        let what =
            (0x21..<0x7F).contains(byte) ? "character '\(Character(Unicode.Scalar(byte)))'" : "byte \(Self.hex(byte))"
        return JSONParseError(message: "Unexpected \(what) at byte \(index)", offset: index)
    }

    private func invalidUTF8(at offset: Int) -> JSONParseError {
        JSONParseError(message: "Invalid UTF-8 in string at byte \(offset)", offset: offset)
    }

    private func unpairedSurrogate(_ unit: UInt16, at offset: Int) -> JSONParseError {
        // Surrogates always take four hex digits.
        JSONParseError(
            message: "Unpaired surrogate \\u\(String(unit, radix: 16, uppercase: true)) in string at byte \(offset)", offset: offset)
    }

    /// A byte as `0x0A`.
    private static func hex(_ byte: UInt8) -> String {
        (byte < 0x10 ? "0x0" : "0x") + String(byte, radix: 16, uppercase: true)
    }
}

extension UInt8 {
    fileprivate static let tab = UInt8(ascii: "\t")
    fileprivate static let lineFeed = UInt8(ascii: "\n")
    fileprivate static let carriageReturn = UInt8(ascii: "\r")
    fileprivate static let space = UInt8(ascii: " ")
    fileprivate static let quote = UInt8(ascii: "\"")
    fileprivate static let plus = UInt8(ascii: "+")
    fileprivate static let comma = UInt8(ascii: ",")
    fileprivate static let minus = UInt8(ascii: "-")
    fileprivate static let period = UInt8(ascii: ".")
    fileprivate static let slash = UInt8(ascii: "/")
    fileprivate static let digit0 = UInt8(ascii: "0")
    fileprivate static let digit1 = UInt8(ascii: "1")
    fileprivate static let digit9 = UInt8(ascii: "9")
    fileprivate static let colon = UInt8(ascii: ":")
    fileprivate static let openBracket = UInt8(ascii: "[")
    fileprivate static let backslash = UInt8(ascii: "\\")
    fileprivate static let closeBracket = UInt8(ascii: "]")
    fileprivate static let openBrace = UInt8(ascii: "{")
    fileprivate static let closeBrace = UInt8(ascii: "}")
}
