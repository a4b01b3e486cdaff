// string.find, string.match, string.gmatch and string.gsub for the sandbox: Lua 5.4's patterns
// (reference manual §6.4.1), implemented here so that every step of a match is paid for from
// the running call's budget. A pattern is first compiled into a short list of items (a byte, a
// run of bytes, a set of bytes as a bitmap, a capture boundary, ...); a backtracking walk over
// that list then does the matching.
//
// Scripts must not be able to tell this matcher from Lua's own: the same results, the same
// limits and the same error messages, raised at the same moment. Lua reports a malformed part of
// a pattern only when a match reaches it (`("abc"):find("x%")` is nil, `("xbc"):find("x%")` an
// error), so compiling stops at the first malformed part and leaves an item there that raises
// the error once a match gets to it.
#define LUA_LIB
#include "sandbox.h"

#include <lua5.4/lauxlib.h>
#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

/// Lua's limits, kept so that scripts meet them where Lua's matcher would stop them: 32 captures,
/// and 200 attempts in progress at once (each capture boundary, each try of a repetition and
/// each optional byte taken starts one) before "pattern too complex". The second also bounds the
/// recursion of `attempt` on the C stack.
#define MAXIMUM_CAPTURES 32
#define MAXIMUM_NESTING 200

/// Items compiled on the C stack; a longer pattern is compiled into a buffer on the Lua stack.
#define STACK_ITEMS 32

/// Work is counted in sixteenths of an instruction: a step of the walk (an item tried at one
/// position) costs a whole instruction, a byte scanned or copied a sixteenth.
#define STEP_COST LYREBIRD_LUA_BYTES_PER_INSTRUCTION
/// Work is paid in instalments of about this many instructions, so that the budget is checked
/// at least as often as every `LYREBIRD_LUA_CHECK_INTERVAL` instructions.
#define INSTALMENT 64

// MARK: Classes

/// The classes a letter after '%' names (its upper case is the complement): bitmaps filled from
/// the C library's character tests, as Lua's own matcher asks them. liblua 5.4 still knows %z,
/// the NUL byte, which the manual no longer lists.
static const char class_letters[] = "acdglpsuwxz";
static unsigned char class_members[sizeof class_letters - 1][32];
static pthread_once_t classes_filled = PTHREAD_ONCE_INIT;

static inline void include_byte(unsigned char *members, unsigned byte) { members[byte >> 3] |= (unsigned char)(1u << (byte & 7)); }
static inline int has_byte(const unsigned char *members, unsigned byte) { return (members[byte >> 3] >> (byte & 7)) & 1; }

static void fill_classes(void) {
    for (unsigned byte = 0; byte < 256; byte++) {
        int tests[] = {isalpha(byte), iscntrl(byte), isdigit(byte), isgraph(byte), islower(byte),
                       ispunct(byte), isspace(byte), isupper(byte), isalnum(byte), isxdigit(byte), byte == 0};
        for (size_t named = 0; named < sizeof tests / sizeof tests[0]; named++) {
            if (tests[named]) include_byte(class_members[named], byte);
        }
    }
}

/// Adds what `%letter` stands for to `members`: a class, its complement, or the byte itself.
static void include_escape(unsigned char *members, unsigned char letter) {
    const char *named = letter ? strchr(class_letters, tolower(letter)) : NULL;
    if (!named) {
        include_byte(members, letter);
        return;
    }
    const unsigned char *table = class_members[named - class_letters];
    unsigned char flip = isupper(letter) ? 0xff : 0;
    for (int index = 0; index < 32; index++) members[index] |= table[index] ^ flip;
}

// MARK: Compiled patterns

typedef enum {
    ITEM_BYTE,           // one given byte
    ITEM_ANY,            // '.'
    ITEM_SET,            // a class (%a) or a set ([...]): any byte of `members`
    ITEM_TEXT,           // literal bytes in a row, read from the pattern itself
    ITEM_OPEN,           // '(': a capture starts
    ITEM_POSITION,       // '()': a position is captured
    ITEM_CLOSE,          // ')': the innermost unfinished capture ends
    ITEM_BALANCED,       // %bxy
    ITEM_FRONTIER,       // %f[set]
    ITEM_BACK_REFERENCE, // %1 to %9
    ITEM_END,            // '$' as the last byte: the end of the subject
    ITEM_BROKEN,         // the pattern is malformed here; reaching it raises the error
} item_kind;

/// How many times a byte item (BYTE, ANY or SET) may match.
typedef enum {
    REPEAT_ONCE,
    REPEAT_OPTIONAL, // '?'
    REPEAT_LONGEST,  // '*'
    REPEAT_SOME,     // '+'
    REPEAT_SHORTEST, // '-'
} item_repeat;

typedef enum {
    BROKEN_TRAILING_ESCAPE,
    BROKEN_UNCLOSED_SET,
    BROKEN_FRONTIER_WITHOUT_SET,
    BROKEN_BALANCE_WITHOUT_DELIMITERS,
    BROKEN_CAPTURE_INDEX,
    BROKEN_CLOSE_WITHOUT_OPEN,
    BROKEN_TOO_MANY_CAPTURES,
} broken_reason;

typedef struct {
    unsigned char kind;
    unsigned char repeat;
    union {
        unsigned char byte;
        unsigned char members[32];
        struct {
            unsigned char open, close;
        } balanced;
        struct {
            size_t offset, length;
        } text;
        int capture;
        struct {
            unsigned char reason;
            int index;
        } broken;
    } as;
} pattern_item;

typedef struct {
    const unsigned char *pattern;
    size_t length;
    pattern_item *items;
    size_t capacity;
    // Items needed so far: past the capacity they are counted but not written.
    size_t count;
    int captures;
    // Captures opened and not yet closed, innermost last: the one a ')' closes.
    int unfinished[MAXIMUM_CAPTURES];
    int unfinished_count;
    unsigned char complete[MAXIMUM_CAPTURES];
    // Whether the last item is literal bytes that a literal byte may join.
    int text_open;
} compiler;

/// The next item to fill: a scratch item once the buffer is full.
static pattern_item *next_item(compiler *state, pattern_item *spare) {
    state->text_open = 0;
    size_t index = state->count++;
    pattern_item *item = index < state->capacity ? &state->items[index] : spare;
    memset(item, 0, sizeof *item);
    return item;
}

static void add_broken(compiler *state, broken_reason reason, int index) {
    pattern_item spare;
    pattern_item *item = next_item(state, &spare);
    item->kind = ITEM_BROKEN;
    item->as.broken.reason = (unsigned char)reason;
    item->as.broken.index = index;
}

/// Where the set whose '[' is at `open` ends (its ']'), as Lua finds it: the first member is
/// taken whatever it is, so "[]]" is a set, and '%' hides the byte after it. 0 when it never ends.
static size_t set_end(const unsigned char *pattern, size_t length, size_t open) {
    size_t at = open + 1;
    if (at < length && pattern[at] == '^') at++;
    for (;;) {
        if (at >= length) return 0;
        if (pattern[at++] == '%' && at < length) at++;
        if (at < length && pattern[at] == ']') return at;
    }
}

/// Fills `members` with the set between '[' at `open` and ']' at `close`. Members are read
/// afresh, not as `set_end` skipped them: "x-y" is a range even when y is '%', and a '%' just
/// before the closing ']' escapes that ']'.
static void fill_set(unsigned char *members, const unsigned char *pattern, size_t open, size_t close) {
    size_t at = open + 1;
    int complement = pattern[at] == '^';
    if (complement) at++;
    while (at < close) {
        if (pattern[at] == '%') {
            include_escape(members, pattern[at + 1]);
            at += 2;
        } else if (at + 2 < close && pattern[at + 1] == '-') {
            for (unsigned byte = pattern[at]; byte <= pattern[at + 2]; byte++) include_byte(members, byte);
            at += 3;
        } else {
            include_byte(members, pattern[at]);
            at++;
        }
    }
    if (complement) {
        for (int index = 0; index < 32; index++) members[index] = (unsigned char)~members[index];
    }
}

/// Compiles the byte item at `at` (a byte, '.', an escape or a set) and its repetition; returns
/// the offset after them, or 0 after adding a broken item.
static size_t compile_byte_item(compiler *state, size_t at) {
    const unsigned char *pattern = state->pattern;
    size_t next;
    pattern_item spare;
    pattern_item item;
    memset(&item, 0, sizeof item);
    switch (pattern[at]) {
    case '.':
        item.kind = ITEM_ANY;
        next = at + 1;
        break;
    case '%':
        if (at + 1 == state->length) {
            add_broken(state, BROKEN_TRAILING_ESCAPE, 0);
            return 0;
        }
        if (pattern[at + 1] && strchr(class_letters, tolower(pattern[at + 1]))) {
            item.kind = ITEM_SET;
            include_escape(item.as.members, pattern[at + 1]);
        } else {
            item.kind = ITEM_BYTE;
            item.as.byte = pattern[at + 1];
        }
        next = at + 2;
        break;
    case '[': {
        size_t close = set_end(pattern, state->length, at);
        if (!close) {
            add_broken(state, BROKEN_UNCLOSED_SET, 0);
            return 0;
        }
        item.kind = ITEM_SET;
        fill_set(item.as.members, pattern, at, close);
        next = close + 1;
        break;
    }
    default:
        item.kind = ITEM_BYTE;
        item.as.byte = pattern[at];
        next = at + 1;
        break;
    }
    if (next < state->length) {
        switch (pattern[next]) {
        case '?': item.repeat = REPEAT_OPTIONAL; break;
        case '*': item.repeat = REPEAT_LONGEST; break;
        case '+': item.repeat = REPEAT_SOME; break;
        case '-': item.repeat = REPEAT_SHORTEST; break;
        default: break;
        }
        if (item.repeat != REPEAT_ONCE) next++;
    }
    // A plain byte joins the literal bytes before it: one comparison instead of a step each.
    int literal = item.kind == ITEM_BYTE && item.repeat == REPEAT_ONCE && next == at + 1;
    if (literal && state->text_open) {
        if (state->count <= state->capacity) {
            pattern_item *text = &state->items[state->count - 1];
            if (text->kind == ITEM_BYTE) {
                text->kind = ITEM_TEXT;
                text->as.text.offset = at - 1;
                text->as.text.length = 1;
            }
            text->as.text.length++;
        }
        return next;
    }
    *next_item(state, &spare) = item;
    state->text_open = literal;
    return next;
}

/// Compiles `%b`, `%f` or a back-reference at `at` (its '%'); returns the offset after it, or 0
/// after adding a broken item.
static size_t compile_escape_item(compiler *state, size_t at) {
    const unsigned char *pattern = state->pattern;
    unsigned char letter = pattern[at + 1];
    pattern_item spare;
    if (letter == 'b') {
        if (at + 4 > state->length) {
            add_broken(state, BROKEN_BALANCE_WITHOUT_DELIMITERS, 0);
            return 0;
        }
        pattern_item *item = next_item(state, &spare);
        item->kind = ITEM_BALANCED;
        item->as.balanced.open = pattern[at + 2];
        item->as.balanced.close = pattern[at + 3];
        return at + 4;
    }
    if (letter == 'f') {
        if (at + 2 >= state->length || pattern[at + 2] != '[') {
            add_broken(state, BROKEN_FRONTIER_WITHOUT_SET, 0);
            return 0;
        }
        size_t close = set_end(pattern, state->length, at + 2);
        if (!close) {
            add_broken(state, BROKEN_UNCLOSED_SET, 0);
            return 0;
        }
        pattern_item *item = next_item(state, &spare);
        item->kind = ITEM_FRONTIER;
        fill_set(item->as.members, pattern, at + 2, close);
        return close + 1;
    }
    // A digit: a capture already closed, counted from %1.
    int capture = letter - '1';
    if (capture < 0 || capture >= state->captures || !state->complete[capture]) {
        add_broken(state, BROKEN_CAPTURE_INDEX, letter - '0');
        return 0;
    }
    pattern_item *item = next_item(state, &spare);
    item->kind = ITEM_BACK_REFERENCE;
    item->as.capture = capture;
    return at + 2;
}

/// Compiles `pattern` into `items` (at most `capacity` of them are written) and returns how
/// many items it needs. Capture indices and whether each is closed depend only on where items
/// stand in the pattern, so both are settled here.
static size_t compile(const unsigned char *pattern, size_t length, pattern_item *items, size_t capacity, int *captures) {
    compiler state = {.pattern = pattern, .length = length, .items = items, .capacity = capacity};
    size_t at = 0;
    pattern_item spare;
    while (at < length) {
        unsigned char byte = pattern[at];
        if (byte == '(') {
            if (state.captures == MAXIMUM_CAPTURES) {
                add_broken(&state, BROKEN_TOO_MANY_CAPTURES, 0);
                break;
            }
            int position = at + 1 < length && pattern[at + 1] == ')';
            pattern_item *item = next_item(&state, &spare);
            item->kind = position ? ITEM_POSITION : ITEM_OPEN;
            item->as.capture = state.captures;
            if (position) {
                state.complete[state.captures] = 1;
            } else {
                state.unfinished[state.unfinished_count++] = state.captures;
            }
            state.captures++;
            at += position ? 2 : 1;
        } else if (byte == ')') {
            if (state.unfinished_count == 0) {
                add_broken(&state, BROKEN_CLOSE_WITHOUT_OPEN, 0);
                break;
            }
            int capture = state.unfinished[--state.unfinished_count];
            state.complete[capture] = 1;
            pattern_item *item = next_item(&state, &spare);
            item->kind = ITEM_CLOSE;
            item->as.capture = capture;
            at++;
        } else if (byte == '$' && at + 1 == length) {
            next_item(&state, &spare)->kind = ITEM_END;
            at++;
        } else if (byte == '%' && at + 1 < length && (pattern[at + 1] == 'b' || pattern[at + 1] == 'f' || isdigit(pattern[at + 1]))) {
            at = compile_escape_item(&state, at);
            if (!at) break;
        } else {
            at = compile_byte_item(&state, at);
            if (!at) break;
        }
    }
    *captures = state.captures;
    return state.count;
}

static int raise_broken(lua_State *L, const pattern_item *item) {
    switch (item->as.broken.reason) {
    case BROKEN_TRAILING_ESCAPE: return luaL_error(L, "malformed pattern (ends with '%%')");
    case BROKEN_UNCLOSED_SET: return luaL_error(L, "malformed pattern (missing ']')");
    case BROKEN_FRONTIER_WITHOUT_SET: return luaL_error(L, "missing '[' after '%%f' in pattern");
    case BROKEN_BALANCE_WITHOUT_DELIMITERS: return luaL_error(L, "malformed pattern (missing arguments to '%%b')");
    case BROKEN_CAPTURE_INDEX: return luaL_error(L, "invalid capture index %%%d", item->as.broken.index);
    case BROKEN_CLOSE_WITHOUT_OPEN: return luaL_error(L, "invalid pattern capture");
    default: return luaL_error(L, "too many captures");
    }
}

// MARK: Matching

#define CAPTURE_UNFINISHED (-1)
#define CAPTURE_POSITION (-2)

typedef struct {
    lua_State *L;
    const unsigned char *subject;
    const unsigned char *subject_end;
    const unsigned char *pattern;
    const pattern_item *items;
    size_t item_count;
    int capture_count;
    int nesting;
    size_t unpaid;
    struct {
        const unsigned char *start;
        ptrdiff_t length;
    } captures[MAXIMUM_CAPTURES];
} match_run;

static void pay(match_run *run) {
    size_t instructions = run->unpaid / STEP_COST;
    run->unpaid %= STEP_COST;
    lyrebird_lua_charge(run->L, instructions);
}

static inline void spend(match_run *run, size_t sixteenths) {
    run->unpaid += sixteenths;
    if (run->unpaid >= INSTALMENT * STEP_COST) pay(run);
}

/// Pays what is left at the end of a call, rounded up.
static void settle(match_run *run) {
    if (run->unpaid == 0) return;
    run->unpaid += STEP_COST - 1;
    pay(run);
    run->unpaid = 0;
}

static inline int accepts(const pattern_item *item, const unsigned char *at, const unsigned char *end) {
    if (at >= end) return 0;
    switch (item->kind) {
    case ITEM_ANY: return 1;
    case ITEM_BYTE: return *at == item->as.byte;
    default: return has_byte(item->as.members, *at);
    }
}

/// How many bytes from `at` on the byte item accepts in a row.
static size_t span(match_run *run, const pattern_item *item, const unsigned char *at) {
    const unsigned char *end = run->subject_end;
    const unsigned char *cursor = at;
    if (item->kind == ITEM_ANY) {
        cursor = end;
    } else if (item->kind == ITEM_BYTE) {
        while (cursor < end && *cursor == item->as.byte) cursor++;
    } else {
        while (cursor < end && has_byte(item->as.members, *cursor)) cursor++;
    }
    spend(run, (size_t)(cursor - at));
    return (size_t)(cursor - at);
}

static const unsigned char *balanced_end(match_run *run, const pattern_item *item, const unsigned char *at) {
    const unsigned char *end = run->subject_end;
    if (at >= end || *at != item->as.balanced.open) return NULL;
    size_t depth = 1;
    for (const unsigned char *cursor = at + 1; cursor < end; cursor++) {
        // The closing byte is looked for first: with %bxx the second x closes.
        if (*cursor == item->as.balanced.close) {
            if (--depth == 0) {
                spend(run, (size_t)(cursor - at));
                return cursor + 1;
            }
        } else if (*cursor == item->as.balanced.open) {
            depth++;
        }
    }
    spend(run, (size_t)(end - at));
    return NULL;
}

static const unsigned char *attempt(match_run *run, const unsigned char *at, size_t index);

/// Matches the items from `index` on against the subject from `at`; returns where the match
/// ends, or NULL. Choices (repetitions, optional bytes) and capture boundaries go through
/// `attempt`, which counts them; everything else continues in this loop.
static const unsigned char *walk(match_run *run, const unsigned char *at, size_t index) {
    const unsigned char *end = run->subject_end;
    for (; index < run->item_count; index++) {
        const pattern_item *item = &run->items[index];
        spend(run, STEP_COST);
        switch (item->kind) {
        case ITEM_BYTE:
        case ITEM_ANY:
        case ITEM_SET:
            switch (item->repeat) {
            case REPEAT_ONCE:
                if (!accepts(item, at, end)) return NULL;
                at++;
                break;
            case REPEAT_OPTIONAL:
                if (accepts(item, at, end)) {
                    const unsigned char *found = attempt(run, at + 1, index + 1);
                    if (found) return found;
                }
                break;
            case REPEAT_LONGEST:
            case REPEAT_SOME: {
                size_t most = span(run, item, at);
                size_t fewest = item->repeat == REPEAT_SOME ? 1 : 0;
                if (most < fewest) return NULL;
                // Nothing to give back: Lua goes straight on, without counting an attempt.
                if (most == 0) break;
                for (size_t taken = most;; taken--) {
                    const unsigned char *found = attempt(run, at + taken, index + 1);
                    if (found) return found;
                    if (taken == fewest) return NULL;
                }
            }
            case REPEAT_SHORTEST:
                if (!accepts(item, at, end)) break;
                for (;;) {
                    const unsigned char *found = attempt(run, at, index + 1);
                    if (found) return found;
                    if (!accepts(item, at, end)) return NULL;
                    at++;
                    spend(run, 1);
                }
            }
            break;
        case ITEM_TEXT: {
            size_t length = item->as.text.length;
            spend(run, length);
            if ((size_t)(end - at) < length || memcmp(at, run->pattern + item->as.text.offset, length) != 0) return NULL;
            at += length;
            break;
        }
        case ITEM_OPEN:
        case ITEM_POSITION:
            run->captures[item->as.capture].start = at;
            run->captures[item->as.capture].length = item->kind == ITEM_OPEN ? CAPTURE_UNFINISHED : CAPTURE_POSITION;
            return attempt(run, at, index + 1);
        case ITEM_CLOSE:
            // No undoing on failure: every path to a read of this capture passes here again.
            run->captures[item->as.capture].length = at - run->captures[item->as.capture].start;
            return attempt(run, at, index + 1);
        case ITEM_BALANCED:
            at = balanced_end(run, item, at);
            if (!at) return NULL;
            break;
        case ITEM_FRONTIER: {
            // Before the subject and at its end, Lua sees a NUL byte.
            unsigned before = at > run->subject ? at[-1] : 0;
            unsigned here = at < end ? *at : 0;
            if (has_byte(item->as.members, before) || !has_byte(item->as.members, here)) return NULL;
            break;
        }
        case ITEM_BACK_REFERENCE: {
            ptrdiff_t length = run->captures[item->as.capture].length;
            // A position has no text; Lua compares it as a length no subject has.
            if (length == CAPTURE_POSITION) return NULL;
            spend(run, (size_t)length);
            if (end - at < length || memcmp(at, run->captures[item->as.capture].start, (size_t)length) != 0) return NULL;
            at += length;
            break;
        }
        case ITEM_END: return at == end ? at : NULL;
        default: raise_broken(run->L, item); return NULL;
        }
    }
    return at;
}

static const unsigned char *attempt(match_run *run, const unsigned char *at, size_t index) {
    if (run->nesting == MAXIMUM_NESTING) luaL_error(run->L, "pattern too complex");
    run->nesting++;
    const unsigned char *found = walk(run, at, index);
    run->nesting--;
    return found;
}

/// A whole match from `start`, as each search begins one.
static const unsigned char *match_at(match_run *run, const unsigned char *start) {
    run->nesting = 0;
    return attempt(run, start, 0);
}

/// The first start at or after `from` where a match could begin, or NULL when none up to the
/// end of the subject can. A pattern that opens with a literal byte, a run or a set needs that
/// byte first, so the starts without it are passed over at the cost of a scan: a match tried
/// there would fail at its first item, raising nothing.
static const unsigned char *next_start(match_run *run, const unsigned char *from) {
    if (run->item_count == 0 || from > run->subject_end) return from > run->subject_end ? NULL : from;
    const pattern_item *first = &run->items[0];
    const unsigned char *end = run->subject_end;
    const unsigned char *found;
    switch (first->kind) {
    case ITEM_TEXT:
        found = memchr(from, run->pattern[first->as.text.offset], (size_t)(end - from));
        break;
    case ITEM_BYTE:
    case ITEM_SET:
        if (first->repeat != REPEAT_ONCE && first->repeat != REPEAT_SOME) return from;
        if (first->kind == ITEM_BYTE) {
            found = memchr(from, first->as.byte, (size_t)(end - from));
        } else {
            found = from;
            while (found < end && !has_byte(first->as.members, *found)) found++;
            if (found == end) found = NULL;
        }
        break;
    default: return from;
    }
    spend(run, (size_t)((found ? found : end) - from));
    return found;
}

// MARK: Results

/// The text of capture `slot` (the whole match `start`..`end` for slot 0 of a pattern without
/// captures) in `*text` and its length, or -1 after pushing a position capture's integer.
static ptrdiff_t capture_text(match_run *run, int slot, const unsigned char *start, const unsigned char *end, const unsigned char **text) {
    if (slot >= run->capture_count) {
        if (slot != 0) luaL_error(run->L, "invalid capture index %%%d", slot + 1);
        *text = start;
        return end - start;
    }
    ptrdiff_t length = run->captures[slot].length;
    if (length == CAPTURE_UNFINISHED) luaL_error(run->L, "unfinished capture");
    if (length == CAPTURE_POSITION) {
        lua_pushinteger(run->L, (lua_Integer)(run->captures[slot].start - run->subject) + 1);
        return -1;
    }
    *text = run->captures[slot].start;
    return length;
}

static void push_capture(match_run *run, int slot, const unsigned char *start, const unsigned char *end) {
    const unsigned char *text;
    ptrdiff_t length = capture_text(run, slot, start, end, &text);
    if (length < 0) return;
    spend(run, (size_t)length);
    lua_pushlstring(run->L, (const char *)text, (size_t)length);
}

/// Pushes every capture, or the whole match when the pattern has none and `whole` is set.
static int push_captures(match_run *run, const unsigned char *start, const unsigned char *end, int whole) {
    int count = run->capture_count == 0 && whole ? 1 : run->capture_count;
    luaL_checkstack(run->L, count, "too many captures");
    for (int slot = 0; slot < count; slot++) push_capture(run, slot, start, end);
    return count;
}

// MARK: The functions

/// Items on the C stack, or on the Lua stack for a long pattern (pushed there, so the caller
/// must not rely on the stack top staying put).
typedef struct {
    pattern_item on_stack[STACK_ITEMS];
    pattern_item *items;
} item_buffer;

/// Compiles the pattern for `run` into `buffer`.
static void prepare(match_run *run, item_buffer *buffer, const char *pattern, size_t length) {
    spend(run, length);
    pthread_once(&classes_filled, fill_classes);
    const unsigned char *bytes = (const unsigned char *)pattern;
    buffer->items = buffer->on_stack;
    size_t count = compile(bytes, length, buffer->items, STACK_ITEMS, &run->capture_count);
    if (count > STACK_ITEMS) {
        buffer->items = (pattern_item *)lua_newuserdatauv(run->L, count * sizeof(pattern_item), 0);
        compile(bytes, length, buffer->items, count, &run->capture_count);
    }
    run->pattern = bytes;
    run->items = buffer->items;
    run->item_count = count;
}

static void begin_run(match_run *run, lua_State *L, const char *subject, size_t length) {
    run->L = L;
    run->subject = (const unsigned char *)subject;
    run->subject_end = run->subject + length;
    run->unpaid = 0;
}

/// The 0-based offset `init` designates, by string.find's rules: negative counts from the end,
/// and 0 or anything before the start is the start. May lie past the end.
static size_t start_offset(lua_Integer init, size_t length) {
    if (init > 0) return (size_t)init - 1;
    if (init == 0) return 0;
    lua_Unsigned back = (lua_Unsigned)0 - (lua_Unsigned)init;
    return back > length ? 0 : length - (size_t)back;
}

/// Whether string.find may search for the pattern as plain text: it has none of the bytes
/// that make a pattern. ')' is not among them, so find("a)", ")") is 2, as in Lua.
static int is_plain_text(const char *pattern, size_t length) {
    for (size_t index = 0; index < length; index++) {
        if (memchr("^$*+?.([%-", pattern[index], 10)) return 0;
    }
    return 1;
}

/// string.find of plain text: each place the first byte occurs is compared in full, and paid
/// for, so that a search as slow as Lua's own (a long run of near misses) stops at the budget.
static int find_text(match_run *run, size_t start, const char *text, size_t text_length) {
    const unsigned char *needle = (const unsigned char *)text;
    const unsigned char *from = run->subject + start;
    const unsigned char *found = text_length == 0 ? from : NULL;
    while (!found && (size_t)(run->subject_end - from) >= text_length) {
        const unsigned char *last_start = run->subject_end - text_length;
        const unsigned char *candidate = memchr(from, needle[0], (size_t)(last_start - from) + 1);
        spend(run, (size_t)((candidate ? candidate : last_start) - from) + text_length);
        if (!candidate) break;
        if (memcmp(candidate + 1, needle + 1, text_length - 1) == 0) found = candidate;
        from = candidate + 1;
    }
    settle(run);
    if (!found) {
        luaL_pushfail(run->L);
        return 1;
    }
    lua_pushinteger(run->L, (lua_Integer)(found - run->subject) + 1);
    lua_pushinteger(run->L, (lua_Integer)(found - run->subject) + (lua_Integer)text_length);
    return 2;
}

static int find_or_match(lua_State *L, int find) {
    size_t length, pattern_length;
    const char *subject = luaL_checklstring(L, 1, &length);
    const char *pattern = luaL_checklstring(L, 2, &pattern_length);
    size_t start = start_offset(luaL_optinteger(L, 3, 1), length);
    if (start > length) {
        luaL_pushfail(L);
        return 1;
    }
    match_run run;
    begin_run(&run, L, subject, length);
    if (find && (lua_toboolean(L, 4) || is_plain_text(pattern, pattern_length))) {
        spend(&run, pattern_length);
        return find_text(&run, start, pattern, pattern_length);
    }
    int anchored = pattern_length > 0 && pattern[0] == '^';
    item_buffer buffer;
    prepare(&run, &buffer, pattern + anchored, pattern_length - (size_t)anchored);
    const unsigned char *from = run.subject + start;
    if (!anchored) from = next_start(&run, from);
    while (from) {
        const unsigned char *end = match_at(&run, from);
        if (end) {
            int results = 0;
            if (find) {
                lua_pushinteger(L, (lua_Integer)(from - run.subject) + 1);
                lua_pushinteger(L, (lua_Integer)(end - run.subject));
                results = 2;
            }
            results += push_captures(&run, from, end, !find);
            settle(&run);
            return results;
        }
        if (anchored || from == run.subject_end) break;
        from = next_start(&run, from + 1);
    }
    settle(&run);
    luaL_pushfail(L);
    return 1;
}

static int sandbox_find(lua_State *L) { return find_or_match(L, 1); }
static int sandbox_match(lua_State *L) { return find_or_match(L, 0); }

// MARK: gmatch

/// What a gmatch iterator keeps between calls; its items follow.
typedef struct {
    size_t next;            // where the next search starts
    size_t last_end;        // where the last match ended (SIZE_MAX before the first)
    size_t item_count;
    int capture_count;
    pattern_item items[];
} gmatch_state;

static int gmatch_step(lua_State *L) {
    size_t length;
    const char *subject = lua_tolstring(L, lua_upvalueindex(1), &length);
    const char *pattern = lua_tostring(L, lua_upvalueindex(2));
    gmatch_state *state = (gmatch_state *)lua_touserdata(L, lua_upvalueindex(3));
    match_run run;
    begin_run(&run, L, subject, length);
    run.pattern = (const unsigned char *)pattern;
    run.items = state->items;
    run.item_count = state->item_count;
    run.capture_count = state->capture_count;
    const unsigned char *last_end = state->last_end == SIZE_MAX ? NULL : run.subject + state->last_end;
    // A match may not end where the last one did: each empty match moves on by a byte.
    for (const unsigned char *from = next_start(&run, run.subject + state->next); from; from = next_start(&run, from + 1)) {
        const unsigned char *end = match_at(&run, from);
        if (end && end != last_end) {
            state->next = state->last_end = (size_t)(end - run.subject);
            int results = push_captures(&run, from, end, 1);
            settle(&run);
            return results;
        }
        if (from == run.subject_end) break;
    }
    settle(&run);
    return 0;
}

static int sandbox_gmatch(lua_State *L) {
    size_t length, pattern_length;
    luaL_checklstring(L, 1, &length);
    const char *pattern = luaL_checklstring(L, 2, &pattern_length);
    size_t start = start_offset(luaL_optinteger(L, 3, 1), length);
    lua_settop(L, 2);
    // No anchor here: a '^' is a plain byte, as in Lua (an anchor would end the iteration).
    match_run run;
    item_buffer buffer;
    begin_run(&run, L, "", 0);
    prepare(&run, &buffer, pattern, pattern_length);
    size_t items_size = run.item_count * sizeof(pattern_item);
    gmatch_state *state = (gmatch_state *)lua_newuserdatauv(L, sizeof(gmatch_state) + items_size, 0);
    memcpy(state->items, run.items, items_size);
    state->item_count = run.item_count;
    state->capture_count = run.capture_count;
    state->next = start > length ? length + 1 : start;
    state->last_end = SIZE_MAX;
    if (run.items != buffer.on_stack) lua_remove(L, 3);
    settle(&run);
    lua_pushcclosure(L, gmatch_step, 3);
    return 1;
}

// MARK: gsub

static void add_bytes(match_run *run, luaL_Buffer *output, const unsigned char *bytes, size_t length) {
    if (length == 0) return;
    spend(run, length);
    luaL_addlstring(output, (const char *)bytes, length);
}

/// The string replacement (argument 3), read once per gsub.
typedef struct {
    const unsigned char *text;
    size_t length;
    int has_escapes;
} replacement_text;

/// Adds the string replacement for the match `start`..`end`: %0 is the match, %1 to %9 its
/// captures, %% a '%'.
static void add_expansion(match_run *run, luaL_Buffer *output, const replacement_text *replacement, const unsigned char *start,
                          const unsigned char *end) {
    const unsigned char *text = replacement->text;
    const unsigned char *limit = text + replacement->length;
    while (replacement->has_escapes) {
        const unsigned char *escape = memchr(text, '%', (size_t)(limit - text));
        if (!escape) break;
        add_bytes(run, output, text, (size_t)(escape - text));
        // As in Lua, a '%' at the very end sees the string's terminating NUL.
        unsigned char code = escape + 1 < limit ? escape[1] : 0;
        if (code == '%') {
            add_bytes(run, output, escape, 1);
        } else if (code == '0') {
            add_bytes(run, output, start, (size_t)(end - start));
        } else if (isdigit(code)) {
            const unsigned char *capture;
            ptrdiff_t capture_length = capture_text(run, code - '1', start, end, &capture);
            if (capture_length < 0) {
                luaL_addvalue(output);
            } else {
                add_bytes(run, output, capture, (size_t)capture_length);
            }
        } else {
            luaL_error(run->L, "invalid use of '%%' in replacement string");
        }
        text = escape + 2;
    }
    add_bytes(run, output, text, (size_t)(limit - text));
}

/// Adds the replacement of the match `start`..`end`; returns whether it differs from the
/// match (a table or function giving false or nil keeps the match).
static int add_replacement(match_run *run, luaL_Buffer *output, const replacement_text *replacement, const unsigned char *start,
                           const unsigned char *end, int kind) {
    lua_State *L = run->L;
    if (kind == LUA_TSTRING || kind == LUA_TNUMBER) {
        add_expansion(run, output, replacement, start, end);
        return 1;
    }
    if (kind == LUA_TFUNCTION) {
        lua_pushvalue(L, 3);
        lua_call(L, push_captures(run, start, end, 1), 1);
    } else {
        push_capture(run, 0, start, end);
        lua_gettable(L, 3);
    }
    if (!lua_toboolean(L, -1)) {
        lua_pop(L, 1);
        add_bytes(run, output, start, (size_t)(end - start));
        return 0;
    }
    if (!lua_isstring(L, -1)) return luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
    spend(run, lua_rawlen(L, -1));
    luaL_addvalue(output);
    return 1;
}

static int sandbox_gsub(lua_State *L) {
    size_t length, pattern_length;
    const char *subject = luaL_checklstring(L, 1, &length);
    const char *pattern = luaL_checklstring(L, 2, &pattern_length);
    int kind = lua_type(L, 3);
    lua_Integer most = luaL_optinteger(L, 4, (lua_Integer)length + 1);
    luaL_argexpected(L, kind == LUA_TNUMBER || kind == LUA_TSTRING || kind == LUA_TFUNCTION || kind == LUA_TTABLE, 3, "string/function/table");
    replacement_text replacement = {NULL, 0, 0};
    if (kind == LUA_TSTRING || kind == LUA_TNUMBER) {
        replacement.text = (const unsigned char *)lua_tolstring(L, 3, &replacement.length);
        replacement.has_escapes = memchr(replacement.text, '%', replacement.length) != NULL;
    }
    int anchored = pattern_length > 0 && pattern[0] == '^';
    match_run run;
    item_buffer buffer;
    begin_run(&run, L, subject, length);
    prepare(&run, &buffer, pattern + anchored, pattern_length - (size_t)anchored);
    luaL_Buffer output;
    luaL_buffinit(L, &output);
    // The subject from `copied` to `from` goes to the output unchanged, in one piece.
    const unsigned char *from = run.subject;
    const unsigned char *copied = run.subject;
    const unsigned char *last_end = NULL;
    lua_Integer count = 0;
    int changed = 0;
    if (!anchored) from = next_start(&run, from);
    while (from && count < most) {
        const unsigned char *end = match_at(&run, from);
        if (end && end != last_end) {
            count++;
            add_bytes(&run, &output, copied, (size_t)(from - copied));
            changed |= add_replacement(&run, &output, &replacement, from, end, kind);
            from = copied = last_end = end;
        } else if (from < run.subject_end) {
            from++;
        } else {
            break;
        }
        if (anchored) break;
        from = next_start(&run, from);
    }
    if (changed) {
        add_bytes(&run, &output, copied, (size_t)(run.subject_end - copied));
        luaL_pushresult(&output);
    } else {
        lua_pushvalue(L, 1);
    }
    lua_pushinteger(L, count);
    settle(&run);
    return 2;
}

void lyrebird_lua_install_matcher(lua_State *L) {
    lua_pushcfunction(L, sandbox_find);
    lua_setfield(L, -2, "find");
    lua_pushcfunction(L, sandbox_match);
    lua_setfield(L, -2, "match");
    lua_pushcfunction(L, sandbox_gmatch);
    lua_setfield(L, -2, "gmatch");
    lua_pushcfunction(L, sandbox_gsub);
    lua_setfield(L, -2, "gsub");
}
