// Lua 5.4 for Swift: the headers, plus static inline functions for what Swift cannot import
// (function-like macros, variadic functions) and for the parts that must stay in C because
// they may longjmp: the sandbox's memory cap, its instruction budget, and raising errors
// for Swift callbacks.
#ifndef LYREBIRD_CLUA_SHIM_H
#define LYREBIRD_CLUA_SHIM_H

#include <lua5.4/lua.h>
#include <lua5.4/lauxlib.h>
#include <lua5.4/lualib.h>
#include <stdlib.h>
#include <string.h>

// MARK: Macros as functions

static inline int lyrebird_lua_pcall(lua_State *L, int nargs, int nresults, int msgh) {
    return lua_pcall(L, nargs, nresults, msgh);
}
static inline const char *lyrebird_lua_tostring(lua_State *L, int index) { return lua_tolstring(L, index, NULL); }
static inline void lyrebird_lua_newtable(lua_State *L) { lua_createtable(L, 0, 0); }
static inline void lyrebird_lua_pop(lua_State *L, int n) { lua_settop(L, -(n) - 1); }
static inline int lyrebird_lua_isnil(lua_State *L, int index) { return lua_type(L, index) == LUA_TNIL; }
static inline int lyrebird_lua_registryindex(void) { return LUA_REGISTRYINDEX; }
static inline int lyrebird_lua_upvalueindex(int i) { return lua_upvalueindex(i); }
static inline lua_Integer lyrebird_lua_tointeger(lua_State *L, int index) { return lua_tointegerx(L, index, NULL); }
static inline lua_Number lyrebird_lua_tonumber(lua_State *L, int index) { return lua_tonumberx(L, index, NULL); }
static inline int lyrebird_lua_loadbuffer(lua_State *L, const char *buffer, size_t size, const char *name) {
    return luaL_loadbufferx(L, buffer, size, name, "t");
}

// MARK: Memory cap

/// The allocator's books, kept in the state's allocator user data.
typedef struct {
    size_t used;
    size_t limit;
    int exceeded;
} lyrebird_lua_memory;

static void *lyrebird_lua_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    lyrebird_lua_memory *memory = (lyrebird_lua_memory *)ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        memory->used -= old;
        free(ptr);
        return NULL;
    }
    if (nsize > old && memory->used + (nsize - old) > memory->limit) {
        memory->exceeded = 1;
        return NULL;
    }
    void *block = realloc(ptr, nsize);
    if (block) memory->used = memory->used - old + nsize;
    return block;
}

// MARK: Instruction budget

/// How many VM instructions a call may still run, kept in the state's extra space.
typedef struct {
    long long remaining;
    int exceeded;
} lyrebird_lua_budget;

#define LYREBIRD_LUA_HOOK_INTERVAL 1000

typedef struct {
    lyrebird_lua_memory memory;
    lyrebird_lua_budget budget;
} lyrebird_lua_sandbox;

static inline lyrebird_lua_sandbox *lyrebird_lua_sandbox_of(lua_State *L) {
    return *(lyrebird_lua_sandbox **)lua_getextraspace(L);
}

static void lyrebird_lua_count_hook(lua_State *L, lua_Debug *ar) {
    lyrebird_lua_budget *budget = &lyrebird_lua_sandbox_of(L)->budget;
    budget->remaining -= LYREBIRD_LUA_HOOK_INTERVAL;
    if (budget->remaining <= 0) {
        budget->exceeded = 1;
        // The hook's record describes the running function: name its line in the error.
        if (lua_getinfo(L, "Sl", ar) && ar->currentline > 0) {
            luaL_error(L, "%s:%d: instruction limit exceeded", ar->short_src, ar->currentline);
        }
        luaL_error(L, "instruction limit exceeded");
    }
}

/// A new state whose allocations are capped at `memory_limit` bytes, with the count hook set.
static inline lua_State *lyrebird_lua_newstate(size_t memory_limit) {
    lyrebird_lua_sandbox *sandbox = (lyrebird_lua_sandbox *)calloc(1, sizeof(lyrebird_lua_sandbox));
    if (!sandbox) return NULL;
    sandbox->memory.limit = memory_limit;
    lua_State *L = lua_newstate(lyrebird_lua_alloc, &sandbox->memory);
    if (!L) {
        free(sandbox);
        return NULL;
    }
    *(lyrebird_lua_sandbox **)lua_getextraspace(L) = sandbox;
    lua_sethook(L, lyrebird_lua_count_hook, LUA_MASKCOUNT, LYREBIRD_LUA_HOOK_INTERVAL);
    return L;
}

static inline void lyrebird_lua_close(lua_State *L) {
    lyrebird_lua_sandbox *sandbox = lyrebird_lua_sandbox_of(L);
    lua_close(L);
    free(sandbox);
}

/// Starts a call: the budget refills and the exceeded flags clear.
static inline void lyrebird_lua_begin_call(lua_State *L, long long instruction_limit) {
    lyrebird_lua_sandbox *sandbox = lyrebird_lua_sandbox_of(L);
    sandbox->budget.remaining = instruction_limit;
    sandbox->budget.exceeded = 0;
    sandbox->memory.exceeded = 0;
}

static inline int lyrebird_lua_memory_exceeded(lua_State *L) { return lyrebird_lua_sandbox_of(L)->memory.exceeded; }
static inline size_t lyrebird_lua_memory_used(lua_State *L) { return lyrebird_lua_sandbox_of(L)->memory.used; }

// MARK: Safe libraries

/// Opens base, string, table, math and utf8 only, then removes the base functions that reach
/// files or compile code: dofile, loadfile, load, require is absent because package is not opened.
static inline void lyrebird_lua_open_safe_libs(lua_State *L) {
    luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
    luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
    luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
    luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
    luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 1);
    lua_settop(L, 0);
    const char *removed[] = {"dofile", "loadfile", "load", "collectgarbage", "print", NULL};
    for (int i = 0; removed[i]; i++) {
        lua_pushnil(L);
        lua_setglobal(L, removed[i]);
    }
    // math.random would be seeded from the clock; scripts use lyrebird.random instead.
    lua_getglobal(L, LUA_MATHLIBNAME);
    lua_pushnil(L);
    lua_setfield(L, -2, "random");
    lua_pushnil(L);
    lua_setfield(L, -2, "randomseed");
    lua_settop(L, 0);
}

// MARK: Swift callbacks

/// A Swift function called from Lua. It returns the number of results it pushed, or -1 after
/// pushing an error message, which the trampoline raises once the Swift frame has returned.
typedef int (*lyrebird_lua_swift_function)(lua_State *L);

static int lyrebird_lua_trampoline(lua_State *L) {
    lyrebird_lua_swift_function function = (lyrebird_lua_swift_function)lua_touserdata(L, lua_upvalueindex(1));
    int results = function(L);
    if (results < 0) return lua_error(L);
    return results;
}

/// Pushes a Lua function that calls `function`, with `upvalues` values from the stack top as
/// upvalues 2... (upvalue 1 holds the function pointer).
static inline void lyrebird_lua_push_swift_function(lua_State *L, lyrebird_lua_swift_function function, int upvalues) {
    lua_pushlightuserdata(L, (void *)function);
    lua_insert(L, -(upvalues) - 1);
    lua_pushcclosure(L, lyrebird_lua_trampoline, upvalues + 1);
}

/// Adds "chunk:line:" of the running Lua function to the error at the stack top.
static int lyrebird_lua_message_handler(lua_State *L) {
    const char *message = lua_tostring(L, 1);
    if (message == NULL) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) return 1;
        message = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    luaL_traceback(L, L, message, 1);
    return 1;
}

static inline void lyrebird_lua_push_message_handler(lua_State *L) { lua_pushcfunction(L, lyrebird_lua_message_handler); }

#endif
