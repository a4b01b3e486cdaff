/// Builds compact UTF-8 JSON text in the order the caller writes it.
///
/// Wire formats are written with this rather than through `Encodable` so that key order
/// matches the real APIs, nothing is built twice, and a stream chunk costs one buffer.
///
/// Its methods are inlinable: providers in other modules (and plugins) write every reply
/// through them, and inlining lets the compiler flatten the nested closures of a whole reply.
public struct JSONWriter: Sendable {
    @usableFromInline var storage: [UInt8] = []
    /// Whether the next value in the innermost open object or array needs a comma before it.
    /// Opening a container saves nothing: once a container closes, its parent always has a
    /// value before the next one.
    @usableFromInline var needsComma = false

    /// Creates an empty writer with room for `capacity` bytes.
    @inlinable
    public init(reservingCapacity capacity: Int = 256) {
        storage.reserveCapacity(capacity)
    }

    /// The bytes written so far.
    @inlinable
    public var bytes: [UInt8] { storage }

    /// The text written so far.
    public var string: String { String(decoding: storage, as: UTF8.self) }

    // MARK: Structure

    /// Writes `{`, runs `body` to write the members, then writes `}`.
    @inlinable
    public mutating func object(_ body: (inout JSONWriter) -> Void) {
        separate()
        storage.append(UInt8(ascii: "{"))
        needsComma = false
        body(&self)
        needsComma = true
        storage.append(UInt8(ascii: "}"))
    }

    /// Writes `[`, runs `body` to write the elements, then writes `]`.
    @inlinable
    public mutating func array(_ body: (inout JSONWriter) -> Void) {
        separate()
        storage.append(UInt8(ascii: "["))
        needsComma = false
        body(&self)
        needsComma = true
        storage.append(UInt8(ascii: "]"))
    }

    /// Opens an object whose members are written next; `closeObject` ends it. For encoders that
    /// learn where a container ends only after it.
    package mutating func openObject() {
        separate()
        storage.append(UInt8(ascii: "{"))
        needsComma = false
    }

    package mutating func closeObject() {
        needsComma = true
        storage.append(UInt8(ascii: "}"))
    }

    /// Opens an array whose elements are written next; `closeArray` ends it.
    package mutating func openArray() {
        separate()
        storage.append(UInt8(ascii: "["))
        needsComma = false
    }

    package mutating func closeArray() {
        needsComma = true
        storage.append(UInt8(ascii: "]"))
    }

    /// Writes an object key; the next value written is its value.
    @inlinable
    public mutating func key(_ name: String) {
        separate()
        Self.appendString(name, to: &storage)
        storage.append(UInt8(ascii: ":"))
        needsComma = false
    }

    // MARK: Members

    /// Writes the member `name` with a string value.
    @inlinable
    public mutating func member(_ name: String, _ value: String) {
        key(name)
        string(value)
    }

    /// Writes the member `name` with a string value, or `null` when `value` is `nil`.
    @inlinable
    public mutating func member(_ name: String, _ value: String?) {
        key(name)
        if let value { string(value) } else { null() }
    }

    /// Writes the member `name` with an integer value.
    @inlinable
    public mutating func member(_ name: String, _ value: Int) {
        key(name)
        integer(value)
    }

    /// Writes the member `name` with an integer value, or `null` when `value` is `nil`.
    @inlinable
    public mutating func member(_ name: String, _ value: Int?) {
        key(name)
        if let value { integer(value) } else { null() }
    }

    /// Writes the member `name` with a number value (see ``number(_:)``).
    @inlinable
    public mutating func member(_ name: String, _ value: Double) {
        key(name)
        number(value)
    }

    /// Writes the member `name` with a boolean value.
    @inlinable
    public mutating func member(_ name: String, _ value: Bool) {
        key(name)
        bool(value)
    }

    /// Writes the member `name` with any JSON value (see ``value(_:)``).
    @inlinable
    public mutating func member(_ name: String, _ value: JSONValue) {
        key(name)
        self.value(value)
    }

    /// Writes the member `name` with the value `null`.
    @inlinable
    public mutating func nullMember(_ name: String) {
        key(name)
        null()
    }

    /// Writes the member `name` with an object whose members `body` writes.
    @inlinable
    public mutating func member(_ name: String, object body: (inout JSONWriter) -> Void) {
        key(name)
        object(body)
    }

    /// Writes the member `name` with an array whose elements `body` writes.
    @inlinable
    public mutating func member(_ name: String, array body: (inout JSONWriter) -> Void) {
        key(name)
        array(body)
    }

    // MARK: Values

    /// Writes a string value, escaped as JSON requires.
    @inlinable
    public mutating func string(_ value: String) {
        separate()
        Self.appendString(value, to: &storage)
    }

    /// Writes an integer value.
    @inlinable
    public mutating func integer(_ value: Int) {
        separate()
        Self.appendInteger(value, to: &storage)
    }

    /// Writes a number value. A whole number is written with `.0` (`3.0`); a non-finite one
    /// (`nan`, `inf`) as `null`, since JSON has no such numbers.
    public mutating func number(_ value: Double) {
        separate()
        if value.isFinite {
            if value == value.rounded(), abs(value) < 1e15 {
                storage.append(contentsOf: String(Int64(value)).utf8)
                storage.append(contentsOf: ".0".utf8)
            } else {
                storage.append(contentsOf: "\(value)".utf8)
            }
        } else {
            storage.append(contentsOf: "null".utf8)
        }
    }

    /// Writes `true` or `false`.
    @inlinable
    public mutating func bool(_ value: Bool) {
        separate()
        storage.append(contentsOf: (value ? "true" : "false").utf8)
    }

    /// Writes `null`.
    @inlinable
    public mutating func null() {
        separate()
        storage.append(contentsOf: "null".utf8)
    }

    /// Appends pre-serialised JSON text as one value.
    @inlinable
    public mutating func raw(_ json: some Sequence<UInt8>) {
        separate()
        storage.append(contentsOf: json)
    }

    /// Writes any JSON value; object members are written in sorted key order.
    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null: null()
        case .bool(let flag): bool(flag)
        case .integer(let number): integer(Int(number))
        case .number(let number): self.number(number)
        case .string(let text): string(text)
        case .array(let elements):
            array { writer in
                for element in elements { writer.value(element) }
            }
        case .object(let members):
            object { writer in
                for name in members.keys.sorted() {
                    writer.member(name, members[name]!)
                }
            }
        }
    }

    // MARK: Helpers

    @inlinable
    mutating func separate() {
        if needsComma {
            storage.append(UInt8(ascii: ","))
        } else {
            needsComma = true
        }
    }

    /// Appends the decimal digits of `value` to `bytes` without making a `String` first.
    public static func appendInteger(_ value: Int, to bytes: inout [UInt8]) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[23 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            bytes.append(contentsOf: buffer[(24 - count)...])
        }
    }

    /// Appends `text` as a JSON string literal, quoted and escaped, to `bytes`: for encoders that
    /// write fixed parts of their output as bytes and only the strings through here.
    public static func appendString(_ text: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        let appended: Void? = text.utf8.withContiguousStorageIfAvailable { utf8 in
            // Copy runs that need no escaping in one go; most text is one run. Eight bytes at a
            // time are checked for a quote, a backslash or a control character at once.
            var runStart = 0
            var index = 0
            let count = utf8.count
            if let base = utf8.baseAddress {
                let raw = UnsafeRawPointer(base)
                while index + 8 <= count {
                    let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                    if !needsEscaping(word) {
                        index += 8
                        continue
                    }
                    for offset in index..<(index + 8) where needsEscaping(utf8[offset]) {
                        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<offset]))
                        appendEscaped(utf8[offset], to: &bytes)
                        runStart = offset + 1
                    }
                    index += 8
                }
            }
            while index < count {
                if needsEscaping(utf8[index]) {
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                    appendEscaped(utf8[index], to: &bytes)
                    runStart = index + 1
                }
                index += 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        if appended == nil {
            for byte in text.utf8 {
                if needsEscaping(byte) {
                    appendEscaped(byte, to: &bytes)
                } else {
                    bytes.append(byte)
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static func needsEscaping(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    /// Whether any of the eight bytes of `word` is below 0x20, a quote or a backslash
    /// (the classic "has zero byte" bit trick, applied three times).
    private static func needsEscaping(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ value: UInt64) -> Bool { (value &- ones) & ~value & highs != 0 }
        // Bytes of 0x80 and above cannot be mistaken for small ones: `~word & highs` drops them.
        let below = (word &- ones &* 0x20) & ~word & highs
        return below != 0 || hasZeroByte(word ^ (ones &* 0x22)) || hasZeroByte(word ^ (ones &* 0x5C))
    }

    private static func appendEscaped(_ byte: UInt8, to bytes: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
        case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
        case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
        case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
        case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
        default:
            bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)]])
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}

extension JSONValue {
    /// Compact JSON text with sorted object keys.
    public var serialized: String {
        var writer = JSONWriter()
        writer.value(self)
        return writer.string
    }
}
