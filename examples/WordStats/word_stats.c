/*
 * word-stats: a responder in plain C that computes its reply from the request.
 *
 * Given the last user message, it replies
 *     "<prefix>Words: N. Characters: M. Reversed: wN ... w1"
 * streaming one text event per reversed word, with an optional pause between words.
 *
 * Fixture parameters (all optional):
 *     prefix     string   text put before the reply
 *     uppercase  boolean  upper-case the reversed words (ASCII letters)
 *     pause_ms   integer  pause between words
 * Plugin configuration (optional): {"responder_name": "..."} to register under another name
 * than "word_stats".
 *
 * Everything it reads comes through the host's JSON pointer functions; everything it emits is
 * JSON it writes itself. Memory it allocates for its own work is its own (malloc/free); only
 * buffers the host hands it (from json_get*) are freed with the host's free.
 */
#include "lyrebird_word_stats.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The host table, kept after entry as the header allows. */
static const lyrebird_host_api *host_api;

/* A growable byte string. */
typedef struct text {
    char *data;
    size_t length;
    size_t capacity;
} text;

static int text_append(text *t, const char *bytes, size_t length) {
    if (t->length + length + 1 > t->capacity) {
        size_t capacity = t->capacity ? t->capacity * 2 : 128;
        while (capacity < t->length + length + 1) capacity *= 2;
        char *grown = realloc(t->data, capacity);
        if (!grown) return 0;
        t->data = grown;
        t->capacity = capacity;
    }
    memcpy(t->data + t->length, bytes, length);
    t->length += length;
    t->data[t->length] = '\0';
    return 1;
}

static int text_append_string(text *t, const char *string) { return text_append(t, string, strlen(string)); }

/* Appends `bytes` as a JSON string literal, quotes included. */
static int text_append_json_string(text *t, const char *bytes, size_t length) {
    if (!text_append(t, "\"", 1)) return 0;
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)bytes[i];
        char escape[8];
        if (c == '"' || c == '\\') {
            escape[0] = '\\';
            escape[1] = (char)c;
            if (!text_append(t, escape, 2)) return 0;
        } else if (c < 0x20) {
            snprintf(escape, sizeof escape, "\\u%04x", c);
            if (!text_append(t, escape, 6)) return 0;
        } else if (!text_append(t, (const char *)&c, 1)) {
            return 0;
        }
    }
    return text_append(t, "\"", 1);
}

/* Emits {"type":"text","text":...}; returns the sink's status. */
static int32_t emit_text(const lyrebird_sink *sink, const char *bytes, size_t length) {
    text event = {0};
    int ok = text_append_string(&event, "{\"type\":\"text\",\"text\":") && text_append_json_string(&event, bytes, length) &&
             text_append_string(&event, "}");
    int32_t status = ok ? sink->emit(sink->sink, (const uint8_t *)event.data, event.length) : LYREBIRD_ERROR;
    free(event.data);
    return status;
}

static int32_t emit_literal(const lyrebird_sink *sink, const char *json) {
    return sink->emit(sink->sink, (const uint8_t *)json, strlen(json));
}

/* The value at `pointer` in `json` as text (strings unescaped), or NULL; free with host free. */
static char *lookup(lyrebird_bytes json, const char *pointer, int as_string) {
    lyrebird_buffer out = {0};
    int32_t status = as_string ? host_api->json_get_string(json.data, json.length, pointer, &out)
                               : host_api->json_get(json.data, json.length, pointer, &out);
    if (status != LYREBIRD_OK) return NULL;
    /* Copy into a NUL-terminated string of our own, and give the host's buffer back. */
    char *copy = malloc(out.length + 1);
    if (copy) {
        if (out.length) memcpy(copy, out.data, out.length);
        copy[out.length] = '\0';
    }
    host_api->free(out.data);
    return copy;
}

/* Counts UTF-8 code points: every byte that is not a continuation byte. */
static size_t count_characters(const char *s) {
    size_t count = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80) count++;
    return count;
}

static int32_t respond(void *context, lyrebird_bytes request, lyrebird_bytes params, const lyrebird_sink *sink) {
    (void)context;
    char *message = lookup(request, "/last_user_text", 1);
    if (!message || !*message) {
        free(message);
        emit_literal(sink, "{\"type\":\"error\",\"error\":{\"status\":400,\"message\":\"word_stats needs a user message to count.\","
                           "\"param\":\"messages\"}}");
        return LYREBIRD_OK;
    }
    char *prefix = lookup(params, "/prefix", 1);
    char *uppercase = lookup(params, "/uppercase", 0);
    char *pause = lookup(params, "/pause_ms", 0);
    int upper = uppercase && strcmp(uppercase, "true") == 0;
    long pause_ms = pause ? strtol(pause, NULL, 10) : 0;

    /* Split into words at ASCII whitespace, in place. */
    size_t characters = count_characters(message);
    size_t word_count = 0, word_capacity = 16;
    char **words = malloc(word_capacity * sizeof *words);
    for (char *cursor = message; words && *cursor;) {
        while (*cursor && isspace((unsigned char)*cursor)) *cursor++ = '\0';
        if (!*cursor) break;
        if (word_count == word_capacity) {
            char **grown = realloc(words, (word_capacity *= 2) * sizeof *words);
            if (!grown) break;
            words = grown;
        }
        words[word_count++] = cursor;
        while (*cursor && !isspace((unsigned char)*cursor)) cursor++;
    }

    int32_t status = LYREBIRD_OK;
    char head[128];
    snprintf(head, sizeof head, "Words: %zu. Characters: %zu. Reversed:", word_count, characters);
    text first = {0};
    if (prefix) text_append_string(&first, prefix);
    text_append_string(&first, head);
    status = emit_text(sink, first.data, first.length);
    free(first.data);

    for (size_t i = word_count; words && i > 0 && status == LYREBIRD_OK; i--) {
        if (pause_ms > 0 && (status = sink->pause(sink->sink, (uint32_t)pause_ms)) != LYREBIRD_OK) break;
        text piece = {0};
        text_append(&piece, " ", 1);
        text_append_string(&piece, words[i - 1]);
        if (upper)
            for (size_t k = 0; k < piece.length; k++) piece.data[k] = (char)toupper((unsigned char)piece.data[k]);
        status = emit_text(sink, piece.data, piece.length);
        free(piece.data);
    }
    if (status == LYREBIRD_OK) emit_literal(sink, "{\"type\":\"finish\",\"reason\":\"stop\"}");

    free(words);
    free(message);
    free(prefix);
    free(uppercase);
    free(pause);
    /* LYREBIRD_STOP only means the client left; that is not a failure of ours. */
    return status == LYREBIRD_ERROR ? LYREBIRD_ERROR : LYREBIRD_OK;
}

__attribute__((visibility("default"))) int32_t lyrebird_plugin_entry(const lyrebird_host_api *host, lyrebird_plugin_info *info) {
    /* 1. Say which ABI we were built for, before touching anything else. */
    info->abi_major = LYREBIRD_PLUGIN_ABI_MAJOR;
    info->abi_minor = LYREBIRD_PLUGIN_ABI_MINOR;
    snprintf(info->name, sizeof info->name, "%s", "word-stats");
    snprintf(info->version, sizeof info->version, "%s", "1.0.0");

    /* 2. Check the host's ABI. */
    if (!LYREBIRD_PLUGIN_HOST_SUPPORTED(host)) return LYREBIRD_ABI_MISMATCH;
    host_api = host;

    /* 3. Read our configuration and register. */
    size_t config_length = 0;
    const char *config = host->config_json(host->host, &config_length);
    lyrebird_bytes config_bytes = {(const uint8_t *)config, config_length};
    char *name = lookup(config_bytes, "/responder_name", 1);

    lyrebird_responder responder = {
        .struct_size = sizeof responder,
        .name = name ? name : "word_stats",
        .context = NULL,
        .respond = respond,
    };
    int32_t status = host->register_responder(host->host, &responder);
    char line[160];
    snprintf(line, sizeof line, "registered responder \"%s\"", responder.name);
    host->log(host->host, LYREBIRD_LOG_DEBUG, line);
    free(name); /* the host copied the name during register_responder */
    return status;
}
