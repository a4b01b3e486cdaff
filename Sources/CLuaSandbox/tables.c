// The table library scripts get: liblua's own functions, each behind a wrapper that charges the
// budget for the elements the function will touch before it touches them, except insert and
// remove, which are written here.
//
// A wrapper may not change what a script sees: it reads the arguments without raising, charges
// only when liblua's function is going to do the work, and otherwise lets that function raise
// its own error. insert and remove cannot be wrapped: they learn the length from __len, and a
// __len that answers small to a wrapper and 2^63 to liblua would shift elements forever.
#define LUA_LIB
#include "sandbox.h"

#include <lua5.4/lauxlib.h>
#include <lua5.4/lualib.h>

/// Runs liblua's function (upvalue 1) in this frame, as if it had been called itself: its
/// errors then name the script's line and the function, as Lua's would.
static int call_original(lua_State *L) {
    lua_CFunction original = lua_tocfunction(L, lua_upvalueindex(1));
    return original(L);
}

/// What a table function does with a value; a value that is not a table must have a metatable
/// with the matching fields.
#define USE_READ 1
#define USE_WRITE 2
#define USE_LENGTH 4

/// Whether liblua's table functions accept the value at `index` for `uses`.
static int acts_as_table(lua_State *L, int index, int uses) {
    if (lua_type(L, index) == LUA_TTABLE) return 1;
    static const struct {
        int use;
        const char *field;
    } fields[] = {{USE_READ, "__index"}, {USE_WRITE, "__newindex"}, {USE_LENGTH, "__len"}};
    for (size_t field = 0; field < sizeof fields / sizeof fields[0]; field++) {
        if (!(uses & fields[field].use)) continue;
        if (luaL_getmetafield(L, index, fields[field].field) == LUA_TNIL) return 0;
        lua_pop(L, 1);
    }
    return 1;
}

static void require_table(lua_State *L, int index, int uses) {
    if (!acts_as_table(L, index, uses)) luaL_checktype(L, index, LUA_TTABLE);
}

// MARK: insert and remove

/// t[to] = t[from] for the table argument, paid for.
static void copy_element(lua_State *L, lua_Integer from, lua_Integer to) {
    lyrebird_lua_charge(L, 1);
    lua_geti(L, 1, from);
    lua_seti(L, 1, to);
}

/// table.insert(t, [pos,] value). Positions are checked as unsigned numbers, as liblua does:
/// with a length of math.maxinteger the slot after the end wraps around to the lowest integer.
static int sandbox_insert(lua_State *L) {
    require_table(L, 1, USE_READ | USE_WRITE | USE_LENGTH);
    lua_Unsigned slots = (lua_Unsigned)luaL_len(L, 1) + 1u;
    lua_Integer end = (lua_Integer)slots;
    int arguments = lua_gettop(L);
    if (arguments != 2 && arguments != 3) return luaL_error(L, "wrong number of arguments to 'insert'");
    lua_Integer position = end;
    if (arguments == 3) {
        position = luaL_checkinteger(L, 2);
        luaL_argcheck(L, (lua_Unsigned)position - 1u < slots, 2, "position out of bounds");
        // From the top down, so that nothing is overwritten before it moved.
        for (lua_Integer index = end; index > position; index--) copy_element(L, index - 1, index);
    }
    lua_seti(L, 1, position);
    return 0;
}

/// table.remove(t [, pos]). liblua 5.4.4 names argument 1 when the position is out of bounds.
static int sandbox_remove(lua_State *L) {
    require_table(L, 1, USE_READ | USE_WRITE | USE_LENGTH);
    lua_Integer length = luaL_len(L, 1);
    lua_Integer position = luaL_optinteger(L, 2, length);
    // Besides 1 to #t, the slot after the end may be removed, and 0 or any length itself.
    if (position != length) luaL_argcheck(L, (lua_Unsigned)position - 1u <= (lua_Unsigned)length, 1, "position out of bounds");
    lua_geti(L, 1, position);
    for (; position < length; position++) copy_element(L, position + 1, position);
    lua_pushnil(L);
    lua_seti(L, 1, position);
    return 1;
}

// MARK: liblua's functions, paid for in advance

/// table.move(a1, f, e, t [, a2]): one instruction per element, once the range passes liblua's
/// checks (a range past math.maxinteger is liblua's error, not a charge).
static int sandbox_move(lua_State *L) {
    int first_ok, last_ok, target_ok;
    lua_Integer first = lua_tointegerx(L, 2, &first_ok);
    lua_Integer last = lua_tointegerx(L, 3, &last_ok);
    lua_Integer target = lua_tointegerx(L, 4, &target_ok);
    int destination = lua_isnoneornil(L, 5) ? 1 : 5;
    if (first_ok && last_ok && target_ok && last >= first && acts_as_table(L, 1, USE_READ) && acts_as_table(L, destination, USE_WRITE) &&
        (first > 0 || last < LUA_MAXINTEGER + first)) {
        lua_Integer count = (lua_Integer)((lua_Unsigned)last - (lua_Unsigned)first + 1u);
        if (target <= LUA_MAXINTEGER - count + 1) lyrebird_lua_charge(L, (size_t)count);
    }
    return call_original(L);
}

/// table.unpack(t [, i [, j]]): one instruction per value. Without j, the length is read here
/// and handed to liblua as j, so that a __len runs once, as in Lua.
static int sandbox_unpack(lua_State *L) {
    int valid = 1;
    lua_Integer first = lua_isnoneornil(L, 2) ? 1 : lua_tointegerx(L, 2, &valid);
    if (!valid) return call_original(L);
    lua_Integer last;
    if (lua_isnoneornil(L, 3)) {
        last = luaL_len(L, 1);
        if (lua_gettop(L) < 3) lua_settop(L, 3);
        lua_pushinteger(L, last);
        lua_replace(L, 3);
    } else {
        last = lua_tointegerx(L, 3, &valid);
        if (!valid) return call_original(L);
    }
    if (first <= last) {
        lua_Unsigned count = (lua_Unsigned)last - (lua_Unsigned)first;
        // Past these, liblua refuses with "too many results to unpack".
        if (count < (lua_Unsigned)INT_MAX && lua_checkstack(L, (int)count + 1)) lyrebird_lua_charge(L, (size_t)count + 1);
    }
    return call_original(L);
}

static int sandbox_pack(lua_State *L) {
    lyrebird_lua_charge(L, (size_t)lua_gettop(L) + 1);
    return call_original(L);
}

/// What liblua's concat is assumed to copy for a number: about the longest a number is written.
#define NUMBER_BYTES 24

/// table.concat(t [, sep [, i [, j]]]): one instruction per element and per 16 bytes it will
/// copy, counted over the table's own elements from i (without j, up to its raw length) before
/// liblua copies them. The count stops at the first element that is not a string or number:
/// liblua raises there, unless __index supplies the value, and then that is Lua code paying
/// for itself or a table that is itself bounded by the memory cap.
static int sandbox_concat(lua_State *L) {
    int separator_type = lua_type(L, 2);
    if (lua_type(L, 1) != LUA_TTABLE || !(separator_type <= LUA_TNIL || separator_type == LUA_TSTRING || separator_type == LUA_TNUMBER)) {
        return call_original(L);
    }
    size_t separator = separator_type == LUA_TSTRING ? lua_rawlen(L, 2) : separator_type == LUA_TNUMBER ? NUMBER_BYTES : 0;
    int first_ok = 1, last_ok = 1;
    lua_Integer first = lua_isnoneornil(L, 3) ? 1 : lua_tointegerx(L, 3, &first_ok);
    lua_Integer last = lua_isnoneornil(L, 4) ? (lua_Integer)lua_rawlen(L, 1) : lua_tointegerx(L, 4, &last_ok);
    if (!first_ok || !last_ok) return call_original(L);
    // Paid in instalments, not element by element: the count is most of the wrapper's cost.
    size_t unpaid = 0;
    for (lua_Integer index = first; index <= last; index++) {
        int type = lua_rawgeti(L, 1, index);
        size_t bytes = type == LUA_TSTRING ? lua_rawlen(L, -1) : NUMBER_BYTES;
        lua_pop(L, 1);
        if (type != LUA_TSTRING && type != LUA_TNUMBER) break;
        unpaid += 1 + (bytes + separator) / LYREBIRD_LUA_BYTES_PER_INSTRUCTION;
        if (unpaid >= LYREBIRD_LUA_CHECK_INTERVAL) {
            lyrebird_lua_charge(L, unpaid);
            unpaid = 0;
        }
        if (index == LUA_MAXINTEGER) break;
    }
    lyrebird_lua_charge(L, unpaid);
    return call_original(L);
}

// MARK: sort

/// sort's default order, paid for: an instruction, and a sixteenth per byte two strings share.
static int paid_less_than(lua_State *L) {
    size_t bytes = 0;
    if (lua_type(L, 1) == LUA_TSTRING && lua_type(L, 2) == LUA_TSTRING) {
        size_t left = lua_rawlen(L, 1), right = lua_rawlen(L, 2);
        bytes = left < right ? left : right;
    }
    lyrebird_lua_charge_bytes(L, bytes);
    lua_pushboolean(L, lua_compare(L, 1, 2, LUA_OPLT));
    return 1;
}

/// A C function given as the order (upvalue 1). The hook sees none of its work, so a call is
/// paid for as the sandbox charges a library call: one per argument and result, one more for it.
static int paid_order(lua_State *L) {
    lyrebird_lua_charge(L, 4);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, 2, 1);
    return 1;
}

/// Strings up to this long make a comparison of about constant cost.
#define SHORT_STRING_BYTES 64

/// Whether the table at 1 is a plain array of numbers and short strings, read up to its raw
/// length `count`: sorting it by the default order costs about the same per comparison.
static int holds_plain_keys(lua_State *L, lua_Integer count) {
    if (lua_getmetatable(L, 1)) {
        lua_pop(L, 1);
        return 0;
    }
    for (lua_Integer index = 1; index <= count; index++) {
        int type = lua_rawgeti(L, 1, index);
        int plain = type == LUA_TNUMBER || (type == LUA_TSTRING && lua_rawlen(L, -1) <= SHORT_STRING_BYTES);
        lua_pop(L, 1);
        if (!plain) return 0;
    }
    return 1;
}

/// table.sort(t [, comp]). A sort's work is in proportion to its comparisons, and the hook
/// counts the instructions of an order function in Lua, so that case needs nothing. A plain
/// array of numbers and short strings sorted by the default order is paid for in advance, about
/// 2 n log2 n comparisons (liblua picks random pivots when its partitions come out uneven). Any
/// other sort goes through an order function that charges each comparison: a C function as the
/// order, elements with __lt, long strings, or a __len that says anything. What the script
/// passes as comp is still liblua's to check.
static int sandbox_sort(lua_State *L) {
    if (lua_type(L, 2) == LUA_TFUNCTION && !lua_iscfunction(L, 2)) return call_original(L);
    if (lua_isnoneornil(L, 2)) {
        if (lua_type(L, 1) == LUA_TTABLE) {
            lua_Integer count = (lua_Integer)lua_rawlen(L, 1);
            lyrebird_lua_charge(L, (size_t)count);
            if (holds_plain_keys(L, count)) {
                size_t levels = 1;
                while (levels < 64 && ((lua_Unsigned)1 << levels) < (lua_Unsigned)count) levels++;
                lyrebird_lua_charge(L, 2 * (size_t)count * levels);
                return call_original(L);
            }
        }
        lua_settop(L, 2);
        lua_pushcfunction(L, paid_less_than);
        lua_replace(L, 2);
    } else if (lua_type(L, 2) == LUA_TFUNCTION) {
        lua_pushvalue(L, 2);
        lua_pushcclosure(L, paid_order, 1);
        lua_replace(L, 2);
    }
    return call_original(L);
}

int lyrebird_luaopen_table(lua_State *L) {
    luaopen_table(L);
    static const luaL_Reg wrappers[] = {
        {"move", sandbox_move}, {"unpack", sandbox_unpack}, {"pack", sandbox_pack}, {"concat", sandbox_concat}, {"sort", sandbox_sort},
    };
    for (size_t index = 0; index < sizeof wrappers / sizeof wrappers[0]; index++) {
        lua_getfield(L, -1, wrappers[index].name);
        lua_pushcclosure(L, wrappers[index].func, 1);
        lua_setfield(L, -2, wrappers[index].name);
    }
    lua_pushcfunction(L, sandbox_insert);
    lua_setfield(L, -2, "insert");
    lua_pushcfunction(L, sandbox_remove);
    lua_setfield(L, -2, "remove");
    return 1;
}
