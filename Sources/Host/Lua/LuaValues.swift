import CLua
import CLuaSandbox
import LyrebirdPluginAPI

/// Reads values from a Lua stack as JSON, using only Lua functions that never raise an error
/// (nothing here allocates in the state or runs a metamethod). Values go the other way through
/// `LuaValueWriter`.
///
/// A table whose keys are exactly 1...n is an array, any other table an object (so an empty
/// table is `{}`).
enum LuaValues {
    /// Values nested deeper than this become `nil` on the way in and `null` on the way out.
    static let maximumDepth = 200

    /// The string at `index` (numbers are converted, as Lua does), or `nil`.
    static func string(at index: Int32, in state: OpaquePointer) -> String? {
        switch lua_type(state, index) {
        case LUA_TSTRING:
            var length = 0
            guard let pointer = lua_tolstring(state, index, &length) else { return nil }
            return String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self)
        case LUA_TNUMBER:
            // lua_tolstring would convert the number in place, allocating: format it here instead.
            var buffer = [CChar](repeating: 0, count: 64)
            let length = lyrebird_lua_number_text(state, index, &buffer, buffer.count)
            return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        default:
            return nil
        }
    }

    /// The value at `index` as JSON. Functions, userdata and threads become `null`; nesting
    /// deeper than `maximumDepth` (a cycle, or a bomb) is cut off.
    ///
    /// - Throws: `LuaValueTooLarge` when the JSON would be larger than the state's memory cap.
    static func json(at index: Int32, in state: OpaquePointer) throws(LuaValueTooLarge) -> JSONValue {
        var budget = lyrebird_lua_memory_limit(state)
        return try json(at: index, in: state, depth: 0, budget: &budget)
    }

    /// The same, and what the value cost of the budget, for a caller that keeps it.
    static func json(at index: Int32, in state: OpaquePointer, cost: inout Int) throws(LuaValueTooLarge) -> JSONValue {
        let limit = lyrebird_lua_memory_limit(state)
        var budget = limit
        let value = try json(at: index, in: state, depth: 0, budget: &budget)
        cost = limit - budget
        return value
    }

    /// Each value costs its bytes plus this much of the budget.
    private static let valueOverhead = 16

    private static func json(at index: Int32, in state: OpaquePointer, depth: Int, budget: inout Int) throws(LuaValueTooLarge) -> JSONValue
    {
        let absolute = lua_absindex(state, index)
        let type = lua_type(state, absolute)
        budget -= valueOverhead + (type == LUA_TSTRING ? Int(lua_rawlen(state, absolute)) : 0)
        guard budget >= 0 else { throw LuaValueTooLarge(limit: lyrebird_lua_memory_limit(state)) }
        switch type {
        case LUA_TBOOLEAN: return .bool(lua_toboolean(state, absolute) != 0)
        case LUA_TNUMBER:
            if lua_isinteger(state, absolute) != 0 { return .integer(Int64(lyrebird_lua_tointeger(state, absolute))) }
            return .number(lyrebird_lua_tonumber(state, absolute))
        case LUA_TSTRING: return .string(string(at: absolute, in: state) ?? "")
        case LUA_TTABLE:
            guard depth < maximumDepth, lua_checkstack(state, 4) != 0 else { return .null }
            return try table(at: absolute, in: state, depth: depth, budget: &budget)
        default: return .null
        }
    }

    private static func table(at index: Int32, in state: OpaquePointer, depth: Int, budget: inout Int) throws(LuaValueTooLarge) -> JSONValue
    {
        var members: [String: JSONValue] = [:]
        var elements: [Int: JSONValue] = [:]
        var onlyIntegerKeys = true
        lua_pushnil(state)
        while lua_next(state, index) != 0 {
            let value = try json(at: -1, in: state, depth: depth + 1, budget: &budget)
            if lua_type(state, -2) == LUA_TNUMBER, lua_isinteger(state, -2) != 0 {
                let key = Int(lyrebird_lua_tointeger(state, -2))
                elements[key] = value
                members[String(key)] = value
            } else {
                onlyIntegerKeys = false
                budget -= lua_type(state, -2) == LUA_TSTRING ? Int(lua_rawlen(state, -2)) : 0
                guard budget >= 0 else { throw LuaValueTooLarge(limit: lyrebird_lua_memory_limit(state)) }
                members[string(at: -2, in: state) ?? "?"] = value
            }
            lyrebird_lua_pop(state, 1)
        }
        if onlyIntegerKeys, !elements.isEmpty, Set(elements.keys) == Set(1...elements.count) {
            return .array((1...elements.count).map { elements[$0]! })
        }
        return .object(members)
    }
}
