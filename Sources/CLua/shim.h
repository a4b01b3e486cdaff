// Lua 5.4 for Swift: the headers, plus static inline functions for the function-like macros
// Swift cannot import. The sandbox scripts run in is the CLuaSandbox module.
#ifndef LYREBIRD_CLUA_SHIM_H
#define LYREBIRD_CLUA_SHIM_H

#include <lua5.4/lua.h>
#include <lua5.4/lauxlib.h>
#include <lua5.4/lualib.h>

static inline void lyrebird_lua_pop(lua_State *L, int n) { lua_settop(L, -(n) - 1); }
static inline lua_Integer lyrebird_lua_tointeger(lua_State *L, int index) { return lua_tointegerx(L, index, NULL); }
static inline lua_Number lyrebird_lua_tonumber(lua_State *L, int index) { return lua_tonumberx(L, index, NULL); }
static inline int lyrebird_lua_loadbuffer(lua_State *L, const char *buffer, size_t size, const char *name) {
    return luaL_loadbufferx(L, buffer, size, name, "t");
}

#endif
