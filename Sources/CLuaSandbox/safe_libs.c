// The libraries scripts get: base, string, table, math and utf8, minus what reaches files or
// compiles code, with replacements so that nothing in them outlives the budget of a call.
#define LUA_LIB
#include "sandbox.h"

#include <lua5.4/lauxlib.h>
#include <lua5.4/lualib.h>

/// Strings at least this long make a library call check the clock right after it returns:
/// the work on them is not paid in instructions.
#define LARGE_INPUT_BYTES (64 * 1024)

/// Runs the original library function (upvalue 1) in this frame, as if it had been called
/// itself: its errors then name the script's line and the function, as Lua's would. The
/// functions wrapped here use no upvalues of their own.
static int call_original(lua_State *L) {
    lua_CFunction original = lua_tocfunction(L, lua_upvalueindex(1));
    return original(L);
}

// MARK: pcall and xpcall cannot swallow a stop

static int sandbox_pcall(lua_State *L) {
    luaL_checkany(L, 1);
    lua_pushboolean(L, 1);
    lua_insert(L, 1);
    if (lua_pcall(L, lua_gettop(L) - 2, LUA_MULTRET, 0) == LUA_OK) return lua_gettop(L);
    if (lyrebird_lua_books_of(L)->stopped) return lua_error(L);
    lua_pushboolean(L, 0);
    lua_insert(L, -2);
    return 2;
}

/// The script's message handler (upvalue 1), which is skipped once the call is stopped: it
/// would only be stopped again, and again for the error that raises.
static int guarded_handler(lua_State *L) {
    if (lyrebird_lua_books_of(L)->stopped) return 1;
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

static int sandbox_xpcall(lua_State *L) {
    int arguments = lua_gettop(L);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushvalue(L, 2);
    lua_pushcclosure(L, guarded_handler, 1);
    lua_replace(L, 2);
    // As Lua's own xpcall: <f, handler, true, f, arguments...>.
    lua_pushboolean(L, 1);
    lua_pushvalue(L, 1);
    lua_rotate(L, 3, 2);
    if (lua_pcall(L, arguments - 2, LUA_MULTRET, 2) == LUA_OK) return lua_gettop(L) - 2;
    if (lyrebird_lua_books_of(L)->stopped) return lua_error(L);
    lua_pushboolean(L, 0);
    lua_insert(L, -2);
    return 2;
}

// MARK: No finalizers

/// Lua runs finalizers with hooks off, during whatever later allocation or at close: a
/// finalizer would run outside any budget. Only a metatable that has __gc when it is set marks
/// an object for finalization, so refusing those here is enough.
static int sandbox_setmetatable(lua_State *L) {
    if (lua_type(L, 2) == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL) {
            return luaL_error(L, "setmetatable: metatables with __gc are not allowed (finalizers would run outside the budget)");
        }
        lua_pop(L, 1);
    }
    return call_original(L);
}

// MARK: Library work pays into the budget

static size_t string_bytes(lua_State *L, int first, int last) {
    size_t bytes = 0;
    for (int index = first; index <= last; index++) {
        if (lua_type(L, index) == LUA_TSTRING) bytes += lua_rawlen(L, index);
    }
    return bytes;
}

/// Wraps a library function whose work is about the size of its arguments and results: it is
/// charged an instruction per argument and result and per 16 bytes of results, and a call on
/// a large string checks the clock as soon as it returns.
static int charged(lua_State *L) {
    int arguments = lua_gettop(L);
    int large = string_bytes(L, 1, arguments) >= LARGE_INPUT_BYTES;
    lyrebird_lua_charge(L, (size_t)arguments + 1);
    int results = call_original(L);
    int top = lua_gettop(L);
    lyrebird_lua_charge(L, (size_t)results + string_bytes(L, top - results + 1, top) / LYREBIRD_LUA_BYTES_PER_INSTRUCTION);
    if (large) lyrebird_lua_check_budget(L);
    return results;
}

#define MAXIMUM_STRING_SIZE ((size_t)INT_MAX)

/// string.rep: Lua's loops once per copy even when every copy is empty, so
/// `string.rep("", math.maxinteger)` would never return; the output is charged up front.
static int sandbox_rep(lua_State *L) {
    size_t length, separator;
    luaL_checklstring(L, 1, &length);
    lua_Integer count = luaL_checkinteger(L, 2);
    luaL_optlstring(L, 3, "", &separator);
    if (count <= 0 || length + separator == 0) {
        lua_pushliteral(L, "");
        return 1;
    }
    // Sizes past the maximum are refused by the original, as "resulting string too large".
    if (length + separator >= length && length + separator <= MAXIMUM_STRING_SIZE / (size_t)count) {
        lyrebird_lua_charge_bytes(L, (size_t)count * length + (size_t)(count - 1) * separator);
    }
    return call_original(L);
}

/// Replaces the C function at `name` in the table on the top by `wrapper` around it.
static void wrap(lua_State *L, const char *name, lua_CFunction wrapper) {
    lua_getfield(L, -1, name);
    lua_pushcclosure(L, wrapper, 1);
    lua_setfield(L, -2, name);
}

/// Wraps every C function of the table on the top in `charged`.
static void charge_all(lua_State *L) {
    lua_pushnil(L);
    while (lua_next(L, -2) != 0) {
        if (lua_iscfunction(L, -1)) {
            lua_pushcclosure(L, charged, 1);
            lua_pushvalue(L, -2);
            lua_insert(L, -2);
            lua_rawset(L, -4);
        } else {
            lua_pop(L, 1);
        }
    }
}

static void remove_field(lua_State *L, const char *name) {
    lua_pushnil(L);
    lua_setfield(L, -2, name);
}

void lyrebird_lua_open_safe_libs(lua_State *L) {
    luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
    // Files, code loading and the collector are out of reach; print has nowhere to go.
    remove_field(L, "dofile");
    remove_field(L, "loadfile");
    remove_field(L, "load");
    remove_field(L, "collectgarbage");
    remove_field(L, "print");
    lua_pushcfunction(L, sandbox_pcall);
    lua_setfield(L, -2, "pcall");
    lua_pushcfunction(L, sandbox_xpcall);
    lua_setfield(L, -2, "xpcall");
    wrap(L, "setmetatable", sandbox_setmetatable);
    wrap(L, "tostring", charged);
    wrap(L, "tonumber", charged);
    lua_pop(L, 1);

    luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
    charge_all(L);
    lyrebird_lua_install_matcher(L);
    lua_getfield(L, -1, "rep");
    lua_getupvalue(L, -1, 1);
    lua_pushcclosure(L, sandbox_rep, 1);
    lua_setfield(L, -3, "rep");
    lua_pop(L, 2);

    luaL_requiref(L, LUA_TABLIBNAME, lyrebird_luaopen_table, 1);
    lua_pop(L, 1);

    luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
    // math.random would be seeded from the clock; scripts use lyrebird.random instead.
    remove_field(L, "random");
    remove_field(L, "randomseed");
    lua_pop(L, 1);

    luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 1);
    charge_all(L);
    lua_pop(L, 1);
}
