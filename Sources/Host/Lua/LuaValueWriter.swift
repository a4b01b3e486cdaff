import CLuaSandbox
import LyrebirdPluginAPI

/// Encodes values for the sandbox to push onto a Lua stack (the format is in
/// `lyrebird_lua_sandbox.h`). Swift never pushes values itself: pushing allocates, and a
/// failed allocation raises a Lua error, which must not unwind through a Swift frame.
///
/// JSON objects become tables with string keys, arrays become sequences (1-based), `null`
/// becomes `nil`; values nested deeper than `LuaValues.maximumDepth` become `nil`.
struct LuaValueWriter {
    private(set) var bytes: [UInt8] = []
    /// How many values were written.
    private(set) var count: Int32 = 0

    mutating func write(_ value: JSONValue) {
        append(value, depth: 0)
        count += 1
    }

    /// Writes raw bytes as one Lua string.
    mutating func writeString(_ raw: UnsafeRawBufferPointer) {
        bytes.append(UInt8(LYREBIRD_LUA_VALUE_STRING))
        appendWord(UInt64(raw.count))
        bytes.append(contentsOf: raw)
        count += 1
    }

    private mutating func append(_ value: JSONValue, depth: Int) {
        switch value {
        case .null: bytes.append(UInt8(LYREBIRD_LUA_VALUE_NIL))
        case .bool(let flag): bytes.append(UInt8(flag ? LYREBIRD_LUA_VALUE_TRUE : LYREBIRD_LUA_VALUE_FALSE))
        case .integer(let number):
            bytes.append(UInt8(LYREBIRD_LUA_VALUE_INTEGER))
            appendWord(UInt64(bitPattern: number))
        case .number(let number):
            bytes.append(UInt8(LYREBIRD_LUA_VALUE_NUMBER))
            appendWord(number.bitPattern)
        case .string(let text):
            bytes.append(UInt8(LYREBIRD_LUA_VALUE_STRING))
            appendText(text)
        case .array where depth >= LuaValues.maximumDepth, .object where depth >= LuaValues.maximumDepth:
            bytes.append(UInt8(LYREBIRD_LUA_VALUE_NIL))
        case .array(let elements):
            bytes.append(UInt8(LYREBIRD_LUA_VALUE_ARRAY))
            appendWord(UInt64(elements.count))
            for element in elements { append(element, depth: depth + 1) }
        case .object(let members):
            bytes.append(UInt8(LYREBIRD_LUA_VALUE_OBJECT))
            appendWord(UInt64(members.count))
            for (key, member) in members {
                appendText(key)
                append(member, depth: depth + 1)
            }
        }
    }

    private mutating func appendText(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            appendWord(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    private mutating func appendWord(_ word: UInt64) {
        withUnsafeBytes(of: word) { bytes.append(contentsOf: $0) }
    }
}

/// Hands `writer`'s values to the trampoline, which pushes them once this Swift frame has
/// returned; returns what a Swift function called from Lua returns.
func luaReturn(_ state: OpaquePointer, _ writer: LuaValueWriter) -> Int32 {
    let stored = writer.bytes.withUnsafeBytes { lyrebird_lua_set_scratch(state, $0.baseAddress, $0.count) }
    return stored == 0 ? -2 : writer.count
}

/// Hands `values` to the trampoline (see `luaReturn(_:_:)`).
func luaReturn(_ state: OpaquePointer, _ values: JSONValue...) -> Int32 {
    var writer = LuaValueWriter()
    for value in values { writer.write(value) }
    return luaReturn(state, writer)
}

/// Hands `message` to the trampoline, which raises it as a Lua error once this Swift frame has
/// returned; returns what a Swift function called from Lua returns.
func luaFail(_ state: OpaquePointer, _ message: String) -> Int32 {
    var writer = LuaValueWriter()
    writer.write(.string(message))
    let stored = writer.bytes.withUnsafeBytes { lyrebird_lua_set_scratch(state, $0.baseAddress, $0.count) }
    return stored == 0 ? -2 : -1
}
