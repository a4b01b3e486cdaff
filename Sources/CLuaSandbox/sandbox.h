// What the sandbox's C files share: the books kept per state and the budget they charge.
#ifndef LYREBIRD_LUA_SANDBOX_INTERNAL_H
#define LYREBIRD_LUA_SANDBOX_INTERNAL_H

#include <lua5.4/lua.h>
#include <limits.h>
#include <stdatomic.h>
#include <stddef.h>

#include "lyrebird_lua_sandbox.h"

/// VM instructions between two budget checks of the count hook; library work is checked
/// against the clock at the same pace.
#define LYREBIRD_LUA_CHECK_INTERVAL 1000

/// Library work is charged one instruction per this many bytes it copies or scans.
#define LYREBIRD_LUA_BYTES_PER_INSTRUCTION 16

/// After this many bytes allocated, the budget is checked at the next instruction rather than
/// at the end of the interval: copying large strings (`..`, say) is work the count does not see.
#define LYREBIRD_LUA_EARLY_CHECK_BYTES (1024 * 1024)

/// The books of one state, kept in its extra space.
typedef struct {
    lua_State *state;
    // The memory cap.
    size_t memory_used;
    size_t memory_limit;
    int memory_refused;
    size_t allocated_since_check;
    int early_check;
    // The budget of the running call.
    long long remaining;
    long long until_check;
    long long deadline_ns;
    atomic_int interrupted;
    int stopped;
    int building_request;
    // What the host lends the running call.
    void *context;
    unsigned char *scratch;
    size_t scratch_length;
    size_t scratch_capacity;
} lyrebird_lua_books;

static inline lyrebird_lua_books *lyrebird_lua_books_of(lua_State *L) { return *(lyrebird_lua_books **)lua_getextraspace(L); }

/// Checks the clock, the interrupt flag and the instruction count, and raises the stop error
/// once one is over. Called by `lyrebird_lua_charge` every `LYREBIRD_LUA_CHECK_INTERVAL` units.
void lyrebird_lua_check_budget(lua_State *L);

/// Charges `units` instructions for work a library function does outside the VM. Raises the
/// stop error (with the calling line) when the budget is spent or the call must stop.
static inline void lyrebird_lua_charge(lua_State *L, size_t units) {
    lyrebird_lua_books *books = lyrebird_lua_books_of(L);
    // Clamped so that subtracting it can never overflow.
    long long cost = units > (size_t)(LLONG_MAX / 4) ? LLONG_MAX / 4 : (long long)units;
    books->remaining -= cost;
    books->until_check -= cost;
    if (books->until_check <= 0 || books->remaining <= 0 || books->stopped) lyrebird_lua_check_budget(L);
}

/// Charges for `bytes` bytes of copying or scanning.
static inline void lyrebird_lua_charge_bytes(lua_State *L, size_t bytes) {
    lyrebird_lua_charge(L, 1 + bytes / LYREBIRD_LUA_BYTES_PER_INSTRUCTION);
}

/// Pushes the value encoded at `*cursor` (advancing it); raises on malformed input.
void lyrebird_lua_push_encoded(lua_State *L, const unsigned char **cursor, const unsigned char *end, int depth);

/// Opens base, string, table, math and utf8 with the sandbox's replacements.
void lyrebird_lua_open_safe_libs(lua_State *L);

/// The table library (tables.c): liblua's functions behind wrappers that charge the budget for
/// the elements they will touch, and insert and remove of our own.
int lyrebird_luaopen_table(lua_State *L);

/// Replaces string.find, match, gmatch and gsub by the sandbox's own matcher (patterns.c),
/// which charges the budget for every step. Expects the string table on the stack top.
void lyrebird_lua_install_matcher(lua_State *L);

#endif
