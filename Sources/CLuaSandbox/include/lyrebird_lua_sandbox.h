// The Lua sandbox the host runs scripts in: a state with a memory cap, a budget every call
// spends (instructions, a wall-clock deadline, an interrupt flag), safe libraries whose costly
// functions pay into that budget, and the entry points that build and call a script.
//
// Everything here that can raise a Lua error (allocate, run Lua code) runs inside a protected
// call made from C, so a Lua error never unwinds through a Swift frame. Swift hands values to
// Lua as encoded bytes (the "scratch" buffer, see below); the C side pushes them.
#ifndef LYREBIRD_LUA_SANDBOX_H
#define LYREBIRD_LUA_SANDBOX_H

#include <lua5.4/lua.h>
#include <stddef.h>

// MARK: States

/// A new state whose allocations are capped at `memory_limit` bytes, or NULL. Its panic
/// handler logs and aborts; no path in the host should ever reach it.
lua_State *lyrebird_lua_newstate(size_t memory_limit);

/// Closes a state. Runs no script code: scripts cannot install finalizers.
void lyrebird_lua_close(lua_State *L);

// MARK: The budget

/// Why a call was stopped. Once set it stays set until the next `lyrebird_lua_begin`: every
/// later instruction raises the error again, and pcall and xpcall cannot swallow it.
#define LYREBIRD_LUA_RUNNING 0
#define LYREBIRD_LUA_STOPPED_INSTRUCTIONS 1
#define LYREBIRD_LUA_STOPPED_TIME 2
#define LYREBIRD_LUA_STOPPED_INTERRUPTED 3

/// Starts a call: `instructions` VM instructions (library work is charged in the same units)
/// and `milliseconds` of wall-clock time; clears the stop reason and the interrupt flag.
void lyrebird_lua_begin(lua_State *L, long long instructions, long long milliseconds);

/// Asks the running call to stop at its next budget check. Safe from any thread while
/// another thread runs the state.
void lyrebird_lua_interrupt(lua_State *L);

/// One of `LYREBIRD_LUA_RUNNING` or `LYREBIRD_LUA_STOPPED_*`.
int lyrebird_lua_stop_reason(lua_State *L);

/// The state's memory cap in bytes.
size_t lyrebird_lua_memory_limit(lua_State *L);

/// Counts `bytes` the host holds for the running call (the steps of a reply it builds) against
/// the state's memory cap, as if the state had allocated them; 0, counting nothing, when they do
/// not fit.
int lyrebird_lua_hold_memory(lua_State *L, size_t bytes);

/// Gives back `bytes` counted by `lyrebird_lua_hold_memory`.
void lyrebird_lua_release_memory(lua_State *L, size_t bytes);

/// Whether an allocation was refused since `lyrebird_lua_begin`.
int lyrebird_lua_memory_refused(lua_State *L);

/// Whether the last `lyrebird_lua_call` failed while building the request table, before
/// any script code ran.
int lyrebird_lua_failed_building_request(lua_State *L);

// MARK: Swift functions

/// A Swift function called from Lua. It must not call any Lua function that can raise an
/// error. It returns how many values it left encoded in the scratch buffer for the caller, or
/// -1 after leaving one encoded string there: the error message, which the C side raises once
/// the Swift frame has returned. -2 means the scratch buffer could not be filled.
typedef int (*lyrebird_lua_swift_function)(lua_State *L);

/// One function to install: `path` is dotted (`lyrebird.json.encode`), `function` NULL makes
/// an empty table at that path. With `reply_method` set the path is a field of every `reply`
/// object instead of a global. `upvalue` is handed back through `lyrebird_lua_upvalue`.
typedef struct {
    const char *path;
    lyrebird_lua_swift_function function;
    void *upvalue;
    int reply_method;
} lyrebird_lua_function;

/// The `upvalue` of the Swift function running on `L`.
void *lyrebird_lua_upvalue(lua_State *L);

/// Copies `length` bytes into the state's scratch buffer; 0 when memory is short.
int lyrebird_lua_set_scratch(lua_State *L, const void *bytes, size_t length);

/// The host's object for the call running on `L`, or NULL.
void *lyrebird_lua_context(lua_State *L);
void lyrebird_lua_set_context(lua_State *L, void *context);

// MARK: Building and calling

/// Opens the safe libraries and installs `functions`. Returns a `lua_pcall` status; on
/// failure the message is on the stack top.
int lyrebird_lua_setup(lua_State *L, const lyrebird_lua_function *functions, size_t count);

/// Compiles `source` as the state's entry. A responder's chunk is run (call
/// `lyrebird_lua_begin` first) and its global `respond` becomes the entry; a predicate's chunk
/// is the entry itself. Returns a `lua_pcall` status; on failure the message is on the top.
int lyrebird_lua_load(lua_State *L, const char *source, size_t length, const char *chunk_name, int responder);

/// Calls the entry with the request decoded from the scratch buffer (one encoded value) and,
/// when `with_reply` is set, a new `reply` object. Call `lyrebird_lua_begin` first. Returns a
/// `lua_pcall` status; the result or the error message is on the stack top.
int lyrebird_lua_call(lua_State *L, int with_reply);

// MARK: Values

/// The encoding of values in the scratch buffer, all numbers in the host's byte order:
/// a tag byte, then for INTEGER an int64, for NUMBER a double, for STRING a uint64 length and
/// the bytes, for ARRAY a uint64 count and that many values (indexed from 1), for OBJECT a
/// uint64 count and that many pairs of a key (uint64 length and bytes) and a value.
#define LYREBIRD_LUA_VALUE_NIL 0
#define LYREBIRD_LUA_VALUE_FALSE 1
#define LYREBIRD_LUA_VALUE_TRUE 2
#define LYREBIRD_LUA_VALUE_INTEGER 3
#define LYREBIRD_LUA_VALUE_NUMBER 4
#define LYREBIRD_LUA_VALUE_STRING 5
#define LYREBIRD_LUA_VALUE_ARRAY 6
#define LYREBIRD_LUA_VALUE_OBJECT 7

/// Writes the number at `index` as Lua's `tostring` would, without allocating; returns the
/// length written (at most `size - 1`).
size_t lyrebird_lua_number_text(lua_State *L, int index, char *buffer, size_t size);

#endif
