import CLua
import LyrebirdPluginAPI

/// Moves values between JSON and a Lua stack.
///
/// JSON objects become tables with string keys, arrays become sequences (1-based), `null`
/// becomes `nil`. Back from Lua, a table whose keys are exactly 1...n is an array, any other
/// table an object (so an empty table is `{}`).
enum LuaValues {
    /// Values nested deeper than this become `nil` on the way in and `null` on the way out.
    static let maximumDepth = 200

    /// Pushes `value` as one Lua value; returns `false`, pushing nothing, when the Lua stack
    /// cannot grow enough (the state is out of memory).
    static func push(_ value: JSONValue, to state: OpaquePointer) -> Bool {
        // Lua reserves only a few stack slots for C code: ask for every level up front.
        guard lua_checkstack(state, Int32(2 * min(depth(of: value), maximumDepth) + 4)) != 0 else { return false }
        pushChecked(value, to: state, depth: 0)
        return true
    }

    private static func depth(of value: JSONValue) -> Int {
        switch value {
        case .array(let elements): return 1 + (elements.lazy.map(depth(of:)).max() ?? 0)
        case .object(let members): return 1 + (members.values.lazy.map(depth(of:)).max() ?? 0)
        default: return 0
        }
    }

    private static func pushChecked(_ value: JSONValue, to state: OpaquePointer, depth: Int) {
        switch value {
        case .null: lua_pushnil(state)
        case .bool(let flag): lua_pushboolean(state, flag ? 1 : 0)
        case .integer(let number): lua_pushinteger(state, lua_Integer(number))
        case .number(let number): lua_pushnumber(state, number)
        case .string(let text): pushString(text, to: state)
        case .array where depth >= maximumDepth, .object where depth >= maximumDepth: lua_pushnil(state)
        case .array(let elements):
            lua_createtable(state, Int32(clamping: elements.count), 0)
            for (index, element) in elements.enumerated() {
                pushChecked(element, to: state, depth: depth + 1)
                lua_rawseti(state, -2, lua_Integer(index + 1))
            }
        case .object(let members):
            lua_createtable(state, 0, Int32(clamping: members.count))
            for (key, member) in members {
                pushChecked(member, to: state, depth: depth + 1)
                lua_setfield(state, -2, key)
            }
        }
    }

    static func pushString(_ text: String, to state: OpaquePointer) {
        var text = text
        text.withUTF8 { bytes in
            _ = bytes.withMemoryRebound(to: CChar.self) { lua_pushlstring(state, $0.baseAddress, $0.count) }
        }
    }

    /// The string at `index` (numbers are converted, as Lua does), or `nil`.
    static func string(at index: Int32, in state: OpaquePointer) -> String? {
        let type = lua_type(state, index)
        guard type == LUA_TSTRING || type == LUA_TNUMBER else { return nil }
        var length = 0
        guard let pointer = lua_tolstring(state, index, &length) else { return nil }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self)
    }

    /// The value at `index` as JSON. Functions, userdata and threads become `null`; nesting
    /// deeper than `maximumDepth` (a cycle, or a bomb) is cut off.
    static func json(at index: Int32, in state: OpaquePointer, depth: Int = 0) -> JSONValue {
        let absolute = lua_absindex(state, index)
        switch lua_type(state, absolute) {
        case LUA_TBOOLEAN: return .bool(lua_toboolean(state, absolute) != 0)
        case LUA_TNUMBER:
            if lua_isinteger(state, absolute) != 0 { return .integer(Int64(lyrebird_lua_tointeger(state, absolute))) }
            return .number(lyrebird_lua_tonumber(state, absolute))
        case LUA_TSTRING: return .string(string(at: absolute, in: state) ?? "")
        case LUA_TTABLE:
            guard depth < maximumDepth, lua_checkstack(state, 4) != 0 else { return .null }
            return table(at: absolute, in: state, depth: depth)
        default: return .null
        }
    }

    private static func table(at index: Int32, in state: OpaquePointer, depth: Int) -> JSONValue {
        var members: [String: JSONValue] = [:]
        var elements: [Int: JSONValue] = [:]
        var onlyIntegerKeys = true
        lua_pushnil(state)
        while lua_next(state, index) != 0 {
            let value = json(at: -1, in: state, depth: depth + 1)
            if lua_type(state, -2) == LUA_TNUMBER, lua_isinteger(state, -2) != 0 {
                let key = Int(lyrebird_lua_tointeger(state, -2))
                elements[key] = value
                members[String(key)] = value
            } else {
                onlyIntegerKeys = false
                // Convert a copy of the key: lua_tolstring on the key itself would confuse lua_next.
                lua_pushvalue(state, -2)
                members[string(at: -1, in: state) ?? "?"] = value
                lyrebird_lua_pop(state, 1)
            }
            lyrebird_lua_pop(state, 1)
        }
        if onlyIntegerKeys, !elements.isEmpty, Set(elements.keys) == Set(1...elements.count) {
            return .array((1...elements.count).map { elements[$0]! })
        }
        return .object(members)
    }
}
