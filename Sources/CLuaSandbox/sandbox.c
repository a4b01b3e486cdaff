// States, the memory cap, the budget and the entry points the host calls.
#define LUA_LIB
#include "sandbox.h"

#include <lua5.4/lauxlib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

// Registry keys: the addresses are what counts.
static char entry_key;
static char reply_methods_key;

/// A scratch buffer larger than this is released after each call rather than kept.
#define KEPT_SCRATCH_BYTES (64 * 1024)

// MARK: States and the memory cap

static void count_hook(lua_State *L, lua_Debug *record);

static void *capped_alloc(void *user_data, void *block, size_t old_size, size_t new_size) {
    lyrebird_lua_books *books = (lyrebird_lua_books *)user_data;
    size_t old = block ? old_size : 0;
    if (new_size == 0) {
        books->memory_used -= old;
        free(block);
        return NULL;
    }
    // Lua relies on shrinking never failing, so only growth is refused.
    if (new_size > old && books->memory_used + (new_size - old) > books->memory_limit) {
        books->memory_refused = 1;
        return NULL;
    }
    void *resized = realloc(block, new_size);
    if (!resized) return NULL;
    books->memory_used = books->memory_used - old + new_size;
    if (new_size > old) books->allocated_since_check += new_size - old;
    // Setting the hook only sets fields of the state, which is safe in the middle of an allocation.
    if (books->allocated_since_check >= LYREBIRD_LUA_EARLY_CHECK_BYTES && books->state && !books->early_check && !books->stopped) {
        books->early_check = 1;
        lua_sethook(books->state, count_hook, LUA_MASKCOUNT, 1);
    }
    return resized;
}

static int panic(lua_State *L) {
    const char *message = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "(the error is not a string)";
    fprintf(stderr, "lyrebird: fatal: a Lua error escaped every protected call, which is a bug in the host: %s\n", message);
    fflush(stderr);
    abort();
}

lua_State *lyrebird_lua_newstate(size_t memory_limit) {
    lyrebird_lua_books *books = (lyrebird_lua_books *)calloc(1, sizeof(lyrebird_lua_books));
    if (!books) return NULL;
    books->memory_limit = memory_limit;
    atomic_init(&books->interrupted, 0);
    lua_State *L = lua_newstate(capped_alloc, books);
    if (!L) {
        free(books);
        return NULL;
    }
    *(lyrebird_lua_books **)lua_getextraspace(L) = books;
    books->state = L;
    lua_atpanic(L, panic);
    return L;
}

void lyrebird_lua_close(lua_State *L) {
    lyrebird_lua_books *books = lyrebird_lua_books_of(L);
    lua_close(L);
    free(books->scratch);
    free(books);
}

size_t lyrebird_lua_memory_limit(lua_State *L) { return lyrebird_lua_books_of(L)->memory_limit; }
int lyrebird_lua_memory_refused(lua_State *L) { return lyrebird_lua_books_of(L)->memory_refused; }

/// Room `lyrebird_lua_hold_memory` leaves free, so that the error saying the reply is too large
/// can still be made.
#define HELD_MEMORY_RESERVE 4096

int lyrebird_lua_hold_memory(lua_State *L, size_t bytes) {
    lyrebird_lua_books *books = lyrebird_lua_books_of(L);
    size_t free_bytes = books->memory_limit - books->memory_used;
    if (free_bytes < HELD_MEMORY_RESERVE || bytes > free_bytes - HELD_MEMORY_RESERVE) return 0;
    books->memory_used += bytes;
    return 1;
}

void lyrebird_lua_release_memory(lua_State *L, size_t bytes) { lyrebird_lua_books_of(L)->memory_used -= bytes; }
int lyrebird_lua_failed_building_request(lua_State *L) { return lyrebird_lua_books_of(L)->building_request; }

// MARK: The budget

static long long now_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
}

static const char *stop_message(int reason) {
    switch (reason) {
    case LYREBIRD_LUA_STOPPED_INSTRUCTIONS: return "instruction limit exceeded";
    case LYREBIRD_LUA_STOPPED_TIME: return "time limit exceeded";
    default: return "stopped because the client went away";
    }
}

/// Records why the call must stop, if it must; returns the reason.
static int update_stop(lua_State *L) {
    lyrebird_lua_books *books = lyrebird_lua_books_of(L);
    if (books->stopped) return books->stopped;
    if (books->remaining <= 0) {
        books->stopped = LYREBIRD_LUA_STOPPED_INSTRUCTIONS;
    } else if (atomic_load_explicit(&books->interrupted, memory_order_relaxed)) {
        books->stopped = LYREBIRD_LUA_STOPPED_INTERRUPTED;
    } else if (now_ns() >= books->deadline_ns) {
        books->stopped = LYREBIRD_LUA_STOPPED_TIME;
    }
    // From now on every instruction raises the error again, so code that caught it (pcall in a
    // loop, a __close handler, a message handler) cannot run on.
    if (books->stopped) lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
    return books->stopped;
}

static void count_hook(lua_State *L, lua_Debug *record) {
    lyrebird_lua_books *books = lyrebird_lua_books_of(L);
    if (!books->stopped) {
        if (books->early_check) {
            // Called for allocations: the instructions since the last check go uncounted.
            books->early_check = 0;
            lua_sethook(L, count_hook, LUA_MASKCOUNT, LYREBIRD_LUA_CHECK_INTERVAL);
        } else {
            books->remaining -= LYREBIRD_LUA_CHECK_INTERVAL;
        }
        books->allocated_since_check = 0;
        books->until_check = LYREBIRD_LUA_CHECK_INTERVAL;
        if (!update_stop(L)) return;
    }
    // The hook's record describes the running function: name its line.
    if (lua_getinfo(L, "Sl", record) && record->currentline > 0) {
        lua_pushfstring(L, "%s:%d: %s", record->short_src, record->currentline, stop_message(books->stopped));
    } else {
        lua_pushstring(L, stop_message(books->stopped));
    }
    lua_error(L);
}

void lyrebird_lua_check_budget(lua_State *L) {
    lyrebird_lua_books_of(L)->until_check = LYREBIRD_LUA_CHECK_INTERVAL;
    int reason = update_stop(L);
    if (!reason) return;
    // The line named is the script's nearest one: a charge can come from a C function that a
    // library function called, such as the order function table.sort calls.
    lua_Debug record;
    for (int level = 1; lua_getstack(L, level, &record); level++) {
        if (lua_getinfo(L, "Sl", &record) && record.currentline > 0) {
            lua_pushfstring(L, "%s:%d: %s", record.short_src, record.currentline, stop_message(reason));
            lua_error(L);
        }
    }
    lua_pushstring(L, stop_message(reason));
    lua_error(L);
}

void lyrebird_lua_begin(lua_State *L, long long instructions, long long milliseconds) {
    lyrebird_lua_books *books = lyrebird_lua_books_of(L);
    books->remaining = instructions;
    books->until_check = LYREBIRD_LUA_CHECK_INTERVAL;
    books->deadline_ns = now_ns() + milliseconds * 1000000LL;
    books->stopped = LYREBIRD_LUA_RUNNING;
    books->memory_refused = 0;
    books->building_request = 0;
    books->allocated_since_check = 0;
    books->early_check = 0;
    atomic_store(&books->interrupted, 0);
    lua_sethook(L, count_hook, LUA_MASKCOUNT, LYREBIRD_LUA_CHECK_INTERVAL);
}

void lyrebird_lua_interrupt(lua_State *L) { atomic_store(&lyrebird_lua_books_of(L)->interrupted, 1); }

int lyrebird_lua_stop_reason(lua_State *L) { return lyrebird_lua_books_of(L)->stopped; }

// MARK: What the host lends a call

void *lyrebird_lua_context(lua_State *L) { return lyrebird_lua_books_of(L)->context; }
void lyrebird_lua_set_context(lua_State *L, void *context) { lyrebird_lua_books_of(L)->context = context; }
void *lyrebird_lua_upvalue(lua_State *L) { return lua_touserdata(L, lua_upvalueindex(2)); }

int lyrebird_lua_set_scratch(lua_State *L, const void *bytes, size_t length) {
    lyrebird_lua_books *books = lyrebird_lua_books_of(L);
    if (length > books->scratch_capacity) {
        unsigned char *grown = (unsigned char *)realloc(books->scratch, length);
        if (!grown) return 0;
        books->scratch = grown;
        books->scratch_capacity = length;
    }
    if (length > 0) memcpy(books->scratch, bytes, length);
    books->scratch_length = length;
    return 1;
}

static void release_large_scratch(lyrebird_lua_books *books) {
    if (books->scratch_capacity <= KEPT_SCRATCH_BYTES) return;
    free(books->scratch);
    books->scratch = NULL;
    books->scratch_capacity = 0;
    books->scratch_length = 0;
}

// MARK: Values

static uint64_t read_word(lua_State *L, const unsigned char **cursor, const unsigned char *end) {
    if ((size_t)(end - *cursor) < sizeof(uint64_t)) luaL_error(L, "malformed value from the host");
    uint64_t word;
    memcpy(&word, *cursor, sizeof word);
    *cursor += sizeof word;
    return word;
}

static const char *read_bytes(lua_State *L, const unsigned char **cursor, const unsigned char *end, uint64_t length) {
    if (length > (uint64_t)(end - *cursor)) luaL_error(L, "malformed value from the host");
    const char *bytes = (const char *)*cursor;
    *cursor += length;
    return bytes;
}

/// A count of items that follow, each at least one byte long.
static uint64_t read_count(lua_State *L, const unsigned char **cursor, const unsigned char *end) {
    uint64_t count = read_word(L, cursor, end);
    if (count > (uint64_t)(end - *cursor)) luaL_error(L, "malformed value from the host");
    return count;
}

void lyrebird_lua_push_encoded(lua_State *L, const unsigned char **cursor, const unsigned char *end, int depth) {
    // The host cuts nesting at 200 levels; this only guards against a malformed buffer.
    if (*cursor >= end || depth > 256) luaL_error(L, "malformed value from the host");
    luaL_checkstack(L, 3, "values nested too deeply");
    unsigned char tag = *(*cursor)++;
    switch (tag) {
    case LYREBIRD_LUA_VALUE_NIL: lua_pushnil(L); break;
    case LYREBIRD_LUA_VALUE_FALSE: lua_pushboolean(L, 0); break;
    case LYREBIRD_LUA_VALUE_TRUE: lua_pushboolean(L, 1); break;
    case LYREBIRD_LUA_VALUE_INTEGER: lua_pushinteger(L, (lua_Integer)(int64_t)read_word(L, cursor, end)); break;
    case LYREBIRD_LUA_VALUE_NUMBER: {
        uint64_t bits = read_word(L, cursor, end);
        double number;
        memcpy(&number, &bits, sizeof number);
        lua_pushnumber(L, number);
        break;
    }
    case LYREBIRD_LUA_VALUE_STRING: {
        uint64_t length = read_word(L, cursor, end);
        const char *bytes = read_bytes(L, cursor, end, length);
        lua_pushlstring(L, bytes, (size_t)length);
        break;
    }
    case LYREBIRD_LUA_VALUE_ARRAY: {
        uint64_t count = read_count(L, cursor, end);
        lua_createtable(L, count > INT_MAX ? INT_MAX : (int)count, 0);
        for (uint64_t index = 1; index <= count; index++) {
            lyrebird_lua_push_encoded(L, cursor, end, depth + 1);
            lua_rawseti(L, -2, (lua_Integer)index);
        }
        break;
    }
    case LYREBIRD_LUA_VALUE_OBJECT: {
        uint64_t count = read_count(L, cursor, end);
        lua_createtable(L, 0, count > INT_MAX ? INT_MAX : (int)count);
        for (uint64_t index = 0; index < count; index++) {
            uint64_t length = read_word(L, cursor, end);
            const char *key = read_bytes(L, cursor, end, length);
            lua_pushlstring(L, key, (size_t)length);
            lyrebird_lua_push_encoded(L, cursor, end, depth + 1);
            lua_rawset(L, -3);
        }
        break;
    }
    default: luaL_error(L, "malformed value from the host");
    }
}

size_t lyrebird_lua_number_text(lua_State *L, int index, char *buffer, size_t size) {
    if (size == 0) return 0;
    int length;
    if (lua_isinteger(L, index)) {
        length = snprintf(buffer, size, LUA_INTEGER_FMT, (LUAI_UACINT)lua_tointegerx(L, index, NULL));
    } else {
        length = snprintf(buffer, size, LUA_NUMBER_FMT, (LUAI_UACNUMBER)lua_tonumberx(L, index, NULL));
        // A float that reads like an integer gets ".0", as Lua's tostring writes it.
        if (length > 0 && (size_t)length + 2 < size && buffer[strspn(buffer, "-0123456789")] == '\0') {
            buffer[length++] = '.';
            buffer[length++] = '0';
            buffer[length] = '\0';
        }
    }
    if (length < 0) return 0;
    return (size_t)length < size ? (size_t)length : size - 1;
}

// MARK: Swift functions

static int trampoline(lua_State *L) {
    lyrebird_lua_swift_function function = (lyrebird_lua_swift_function)lua_touserdata(L, lua_upvalueindex(1));
    // Swift copies the strings it is given: that work is paid for first.
    size_t bytes = 0;
    for (int index = 1; index <= lua_gettop(L); index++) {
        if (lua_type(L, index) == LUA_TSTRING) bytes += lua_rawlen(L, index);
    }
    lyrebird_lua_charge_bytes(L, bytes);
    int results = function(L);
    if (results == -2) return luaL_error(L, "not enough memory for a host function's result");
    lyrebird_lua_books *books = lyrebird_lua_books_of(L);
    int count = results < 0 ? 1 : results;
    if (count == 0) return 0;
    lyrebird_lua_charge_bytes(L, books->scratch_length);
    luaL_checkstack(L, count, "too many results");
    const unsigned char *cursor = books->scratch;
    for (int index = 0; index < count; index++) {
        lyrebird_lua_push_encoded(L, &cursor, books->scratch + books->scratch_length, 0);
    }
    if (results < 0) return lua_error(L);
    return results;
}

// MARK: Building and calling

/// Turns any error object into a message. A table's __tostring runs only while the budget lasts.
static int message_handler(lua_State *L) {
    switch (lua_type(L, 1)) {
    case LUA_TSTRING: return 1;
    case LUA_TNUMBER: luaL_tolstring(L, 1, NULL); return 1;
    default: break;
    }
    if (!lyrebird_lua_books_of(L)->stopped && luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) return 1;
    lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    return 1;
}

/// Runs `body(argument)` protected, with an empty stack below; leaves `results` results, or
/// the error message, on the top.
static int protected_call(lua_State *L, lua_CFunction body, void *argument, int results) {
    lua_settop(L, 0);
    lua_pushcfunction(L, message_handler);
    lua_pushcfunction(L, body);
    lua_pushlightuserdata(L, argument);
    int status = lua_pcall(L, 1, results, 1);
    lua_remove(L, 1);
    return status;
}

/// Replaces the table on the top by its field `name`, creating an empty table there if needed.
static void descend(lua_State *L, const char *name, size_t length) {
    lua_pushlstring(L, name, length);
    if (lua_rawget(L, -2) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushlstring(L, name, length);
        lua_pushvalue(L, -2);
        lua_rawset(L, -4);
    }
    lua_remove(L, -2);
}

/// Installs `function` at its path under the table on the top (which stays).
static void install(lua_State *L, const lyrebird_lua_function *function) {
    const char *path = function->path;
    lua_pushvalue(L, -1);
    const char *dot;
    while ((dot = strchr(path, '.')) != NULL) {
        descend(L, path, (size_t)(dot - path));
        path = dot + 1;
    }
    if (function->function) {
        lua_pushstring(L, path);
        lua_pushlightuserdata(L, (void *)function->function);
        lua_pushlightuserdata(L, function->upvalue);
        lua_pushcclosure(L, trampoline, 2);
        lua_rawset(L, -3);
    } else {
        descend(L, path, strlen(path));
    }
    lua_pop(L, 1);
}

typedef struct {
    const lyrebird_lua_function *functions;
    size_t count;
} setup_arguments;

static int setup(lua_State *L) {
    const setup_arguments *arguments = (const setup_arguments *)lua_touserdata(L, 1);
    lyrebird_lua_open_safe_libs(L);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &reply_methods_key);
    int methods = lua_gettop(L);
    lua_pushglobaltable(L);
    int globals = lua_gettop(L);
    for (size_t index = 0; index < arguments->count; index++) {
        const lyrebird_lua_function *function = &arguments->functions[index];
        lua_pushvalue(L, function->reply_method ? methods : globals);
        install(L, function);
        lua_pop(L, 1);
    }
    return 0;
}

int lyrebird_lua_setup(lua_State *L, const lyrebird_lua_function *functions, size_t count) {
    setup_arguments arguments = {functions, count};
    return protected_call(L, setup, &arguments, 0);
}

typedef struct {
    const char *source;
    size_t length;
    const char *chunk_name;
    int responder;
} load_arguments;

static int load(lua_State *L) {
    const load_arguments *arguments = (const load_arguments *)lua_touserdata(L, 1);
    if (luaL_loadbufferx(L, arguments->source, arguments->length, arguments->chunk_name, "t") != LUA_OK) return lua_error(L);
    if (arguments->responder) {
        lua_call(L, 0, 0);
        if (lua_getglobal(L, "respond") != LUA_TFUNCTION) {
            lua_pushliteral(L, "the script does not define a function respond(req, reply)");
            return lua_error(L);
        }
    }
    lua_rawsetp(L, LUA_REGISTRYINDEX, &entry_key);
    return 0;
}

int lyrebird_lua_load(lua_State *L, const char *source, size_t length, const char *chunk_name, int responder) {
    load_arguments arguments = {source, length, chunk_name, responder};
    return protected_call(L, load, &arguments, 0);
}

/// Pushes a new `reply` object: a table with a copy of every reply method.
static void push_reply_object(lua_State *L) {
    lua_createtable(L, 0, 8);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &reply_methods_key);
    lua_pushnil(L);
    while (lua_next(L, -2) != 0) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, -5);
    }
    lua_pop(L, 1);
}

static int call_entry(lua_State *L) {
    int with_reply = *(const int *)lua_touserdata(L, 1);
    lyrebird_lua_books *books = lyrebird_lua_books_of(L);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &entry_key);
    books->building_request = 1;
    const unsigned char *cursor = books->scratch;
    lyrebird_lua_push_encoded(L, &cursor, books->scratch + books->scratch_length, 0);
    books->building_request = 0;
    if (with_reply) push_reply_object(L);
    lua_call(L, with_reply ? 2 : 1, 1);
    return 1;
}

int lyrebird_lua_call(lua_State *L, int with_reply) {
    int status = protected_call(L, call_entry, &with_reply, 1);
    release_large_scratch(lyrebird_lua_books_of(L));
    return status;
}
