/*
 * lyrebird_plugin.h: the whole contract between the Lyrebird host and a native plugin.
 *
 * A plugin is a shared library that exports one C function, `lyrebird_plugin_entry`. The host
 * calls it once at start with a table of host functions; the plugin describes itself, checks the
 * host's ABI version, and registers providers (wire formats) and responders (reply computers).
 *
 * Only C types and bytes cross this boundary. Structured data is UTF-8 JSON in the forms that
 * docs/plugins.md describes (canonical request, reply event, completed reply, reply error, reply
 * context, route).
 *
 * Memory rules
 *   - Pointers the host passes in (lyrebird_bytes, const char *, structs) are borrowed: valid
 *     until the call returns. Copy what you keep.
 *   - Buffers a plugin hands to the host (every lyrebird_buffer out-parameter) must be allocated
 *     with the host's `alloc`; the host takes ownership and frees them, also when the call fails.
 *   - Structs and strings passed to `register_provider` / `register_responder` are copied by the
 *     host during the call; the function pointers and `context` must stay valid forever.
 *
 * Version rules
 *   - LYREBIRD_PLUGIN_ABI_MAJOR changes when anything existing changes meaning or layout.
 *     Host and plugin must agree on it exactly.
 *   - LYREBIRD_PLUGIN_ABI_MINOR grows when fields are appended to the end of a struct or
 *     functions to the end of the host table. A plugin built for minor N runs on hosts with
 *     minor >= N. Every struct starts with `struct_size`, so each side reads only what the other
 *     side wrote.
 *   - The first three fields of lyrebird_host_api, lyrebird_plugin_info and lyrebird_swift_info,
 *     and the signatures of lyrebird_plugin_entry and lyrebird_plugin_swift_info, never change in
 *     any version: that is how a mismatch is detected.
 *
 * Threading (who calls what, and where)
 *   - lyrebird_plugin_entry: once, on the main thread, before the host serves anything.
 *   - provider decode, encode_reply, encode_error, stream_open, stream_open_v2: event-loop
 *     threads, concurrently for different requests. Thread-safe, and never blocking.
 *   - stream_encode, stream_finish, stream_abort, stream_close: any thread, one call at a time
 *     per stream (a stream may move between threads); different streams concurrently.
 *   - provider answer and responder respond: the host's script threads (script_threads in the
 *     configuration, shared with Lua). They may block, but hold that thread meanwhile.
 *   - sink emit / pause: only from the thread running that respond.
 *   - host alloc, free, log, config_json, json_get, json_get_string: any thread.
 *   - host set_error, register_provider, register_responder: only during the entry call.
 *
 * Every field below says since which ABI version it exists ("since 1.0" unless marked 1.1).
 * Plugins are never unloaded: what a plugin registers stays in use until the process exits.
 *
 * History
 *   1.0  the first version.
 *   1.1  appended, so that every 1.0 plugin keeps loading and running unchanged:
 *        - streamed responses can carry headers: lyrebird_provider gains stream_open_v2, which
 *          fills the new lyrebird_stream_head. A 1.0 provider (88-byte struct) keeps using
 *          stream_open.
 *        - lyrebird_wire_request gains path_parameters_json, the values of the route's {name}
 *          parameters.
 *        - routes a provider answers itself ("answered_by": "provider"): lyrebird_provider
 *          gains answer, required when a route says so.
 *        - lyrebird_provider gains stream_abort, called instead of stream_finish when the
 *          client went away, and models_json, the models it offers.
 *        - a plugin written in Swift also exports lyrebird_plugin_swift_info, which names the
 *          Swift compiler that built it; the host refuses one built by another compiler.
 *   1.2  appended: lyrebird_provider gains rate_limit_headers, the provider's own rate-limit
 *        headers for a key whose plan limits it. A 1.0 or 1.1 provider (88 or 120 bytes) gets
 *        the host's x-ratelimit-limit, -remaining and -reset only.
 */
#ifndef LYREBIRD_PLUGIN_H
#define LYREBIRD_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The ABI this header describes: major (exact match required) and minor (the host's must be >=). */
#define LYREBIRD_PLUGIN_ABI_MAJOR 1
/** See LYREBIRD_PLUGIN_ABI_MAJOR. 1.1 since stream headers, provider-answered routes and path parameters; 1.2 since rate-limit headers. */
#define LYREBIRD_PLUGIN_ABI_MINOR 2

/** The name of the one symbol every plugin exports (type: lyrebird_plugin_entry_fn). */
#define LYREBIRD_PLUGIN_ENTRY_SYMBOL "lyrebird_plugin_entry"

/** Status codes returned across the boundary. Success. */
#define LYREBIRD_OK 0
/** A failure; the host reports it (with the message given to set_error, during entry). */
#define LYREBIRD_ERROR 1
/** The other side's ABI version is not supported. */
#define LYREBIRD_ABI_MISMATCH 2
/** The output buffer holds a reply error as JSON: {"status":400,"message":"...","param":...}. */
#define LYREBIRD_REPLY_ERROR 3
/** From a sink's emit or pause: the reply is over (client gone or reply ended); stop emitting. */
#define LYREBIRD_STOP 4
/** From json_get / json_get_string: nothing at that JSON pointer (or not a string). */
#define LYREBIRD_NOT_FOUND 5

/** Log levels for lyrebird_host_api.log, least to most important: debugging detail. */
#define LYREBIRD_LOG_DEBUG 0
/** Normal events. */
#define LYREBIRD_LOG_INFO 1
/** Something odd that does not stop the plugin. */
#define LYREBIRD_LOG_WARNING 2
/** A failure. */
#define LYREBIRD_LOG_ERROR 3

/** The size of lyrebird_plugin_info.name, including the terminating NUL. */
#define LYREBIRD_PLUGIN_NAME_CAPACITY 64
/** The size of lyrebird_plugin_info.version, including the terminating NUL. */
#define LYREBIRD_PLUGIN_VERSION_CAPACITY 32
/** The size of lyrebird_swift_info.compiler_version, including the terminating NUL (ABI 1.1). */
#define LYREBIRD_SWIFT_VERSION_CAPACITY 32

/**
 * The name of the second symbol a plugin written in Swift exports (type:
 * lyrebird_plugin_swift_info_fn, ABI 1.1). C plugins do not export it.
 */
#define LYREBIRD_PLUGIN_SWIFT_INFO_SYMBOL "lyrebird_plugin_swift_info"

/**
 * Bytes borrowed from the caller, valid until the call that received them returns; copy what
 * you keep. Not NUL-terminated. Passed by value.
 */
typedef struct lyrebird_bytes {
    /** The first byte; may be NULL when `length` is 0. */
    const uint8_t *data;
    /** How many bytes. */
    size_t length;
} lyrebird_bytes;

/**
 * Bytes handed to the host: allocate `data` with lyrebird_host_api.alloc; the host owns it from
 * then on and frees it with its free, whatever the call returns. {NULL, 0} means "nothing".
 * The host passes out-buffers zeroed. Buffers the host fills for the plugin (json_get,
 * json_get_string) go the other way: the plugin owns them and frees `data` with the host's free.
 */
typedef struct lyrebird_buffer {
    /** Memory from lyrebird_host_api.alloc, or NULL when empty. */
    uint8_t *data;
    /** How many bytes of `data` are meant. */
    size_t length;
} lyrebird_buffer;

/** The host, opaque to plugins: pass lyrebird_host_api.host back to every host function. */
typedef struct lyrebird_host lyrebird_host;

/**
 * A request as it arrived on the wire, for lyrebird_provider.decode and answer. Filled by the
 * host and borrowed: every pointer in it is valid until the callback returns.
 */
typedef struct lyrebird_wire_request {
    /** sizeof(lyrebird_wire_request) as the host knows it; read no field it does not cover. */
    uint32_t struct_size;
    /** "GET", "POST", ... (NUL-terminated). */
    const char *method;
    /** The path without the query, for example "/v1/messages" (NUL-terminated). */
    const char *path;
    /** The query string without '?', or "" (NUL-terminated). */
    const char *query;
    /** The headers: [{"name": "content-type", "value": "..."}], names lower-cased. */
    lyrebird_bytes headers_json;
    /** The body bytes (for a WebSocket message: the request inside it, with "stream": true). */
    lyrebird_bytes body;
    /** The route that matched, as registered: {"method","path","operation","transports","answered_by"}. */
    lyrebird_bytes route_json;

    /* ABI 1.1. The host fills every field; read one only when struct_size covers it. */

    /**
     * The values of the route's path parameters by name, as a JSON object: for the route
     * "/v1/models/{model}" and the path "/v1/models/gpt-4o", {"model":"gpt-4o"}; {} when the
     * route has none.
     */
    lyrebird_bytes path_parameters_json;
} lyrebird_wire_request;

/**
 * A whole response a provider builds (encode_reply, encode_error, answer). The host zeroes it
 * and sets struct_size; the plugin fills the rest. Every buffer is the host's from then on
 * (allocated with alloc), also when the callback returns an error.
 */
typedef struct lyrebird_response {
    /** Set by the host. */
    uint32_t struct_size;
    /** The HTTP status. */
    int32_t status;
    /** The content type; empty means "application/json". */
    lyrebird_buffer content_type;
    /**
 * Extra headers as JSON [{"name","value"}]; empty means none. The host adds x-request-id and
 * the content type itself.
 */
    lyrebird_buffer headers_json;
    /** The body. */
    lyrebird_buffer body;
} lyrebird_response;

/**
 * The head of a streamed response, which stream_open_v2 fills (ABI 1.1): everything the host
 * sends before the first event. The host zeroes it and sets struct_size.
 */
typedef struct lyrebird_stream_head {
    /** Set by the host. */
    uint32_t struct_size;
    /** The plugin's stream state, passed to stream_encode, stream_finish and stream_close. */
    void *stream;
    /** The content type; empty means "text/event-stream". */
    lyrebird_buffer content_type;
    /**
 * Extra response headers as JSON [{"name","value"}]; empty means none. The host adds
 * x-request-id, cache-control: no-cache and the content type itself.
 */
    lyrebird_buffer headers_json;
    /** Bytes to send first; may stay empty. */
    lyrebird_buffer start;
} lyrebird_stream_head;

/**
 * A wire format. Every callback may run on any thread, and several at once for different
 * requests; one stream handle is used by one thread at a time. Callbacks must not block,
 * except answer (see there).
 *
 * A stream's calls come in this order: stream_open (or stream_open_v2), stream_encode for each
 * event, then stream_finish when the reply ended or stream_abort when the client went away,
 * and last stream_close.
 */
typedef struct lyrebird_provider {
    /**
     * sizeof(lyrebird_provider) as the plugin was compiled: 88 bytes against the 1.0 header,
     * 120 against 1.1, 128 against 1.2 (x86_64 and arm64). The host reads no field past it.
     */
    uint32_t struct_size;
    /** A short unique name, for logs (copied). */
    const char *name;
    /**
     * The routes, as JSON (copied): [{"method":"POST","path":"/v1/x/{id}","operation":"x",
     * "transports":["http","sse"],"answered_by":"fixtures"}]. "transports" defaults to HTTP and
     * SSE; "answered_by" to "fixtures" ("provider" needs answer). A {name} in a path is a
     * parameter (see lyrebird_wire_request.path_parameters_json).
     */
    const char *routes_json;
    /** Passed back to every provider callback; kept (not copied) for the life of the process. */
    void *context;

    /**
     * Wire request -> canonical request. On LYREBIRD_OK `out` holds the canonical request JSON;
     * on LYREBIRD_REPLY_ERROR it holds a reply error JSON naming the offending parameter, which
     * the host sends through encode_error. LYREBIRD_ERROR gives the client a 500. Required.
     */
    int32_t (*decode)(void *context, const lyrebird_wire_request *request, lyrebird_buffer *out);

    /**
     * Completed reply JSON -> one whole response, for a request that did not ask to stream.
     * `request_json` is the canonical request (with last_user_text and system_text),
     * `reply_context_json` the reply context. LYREBIRD_ERROR gives the client a 500. Required.
     */
    int32_t (*encode_reply)(void *context, lyrebird_bytes reply_json, lyrebird_bytes request_json,
                            lyrebird_bytes reply_context_json, lyrebird_response *out);

    /**
     * Reply error JSON -> a response in the provider's own error shape. `request_json` is empty
     * (length 0) when the request could not be decoded. Also used for the host's own 404/405
     * replies on paths nearest this provider's, so clients always see one error shape.
     * Required.
     */
    int32_t (*encode_error)(void *context, lyrebird_bytes error_json, lyrebird_bytes request_json,
                            lyrebird_bytes reply_context_json, lyrebird_response *out);

    /**
     * Starts a streamed reply: sets `*stream_out` to the plugin's stream state, `content_type_out`
     * to the stream's content type (for example "text/event-stream") and `start_out` to bytes to
     * send first (may stay empty). The host calls stream_close exactly once for every stream
     * that stream_open returned LYREBIRD_OK for. From ABI 1.1 it may be NULL when stream_open_v2
     * is set; the host calls only one of the two.
     */
    int32_t (*stream_open)(void *context, lyrebird_bytes request_json, lyrebird_bytes reply_context_json,
                           void **stream_out, lyrebird_buffer *content_type_out, lyrebird_buffer *start_out);

    /**
     * Bytes for one reply event JSON of choice `choice` (0 for events that are not per choice),
     * in the order the reply produces them: text and tool-call events then finish, per choice;
     * one usage after the last finish; an error event ends the reply (stream_finish follows).
     * `out` may stay empty to send nothing for an event. Required.
     */
    int32_t (*stream_encode)(void *stream, lyrebird_bytes event_json, uint32_t choice, lyrebird_buffer *out);

    /** Bytes that end the stream, after the last event (for SSE formats, often "data: [DONE]"). Required. */
    int32_t (*stream_finish)(void *stream, lyrebird_buffer *out);

    /**
     * Frees the stream state: the last call for a stream, after stream_finish or stream_abort.
     * Called exactly once per opened stream. Required.
     */
    void (*stream_close)(void *stream);

    /* ABI 1.1: read by the host only when struct_size covers them. */

    /**
     * Starts a streamed reply, like stream_open, and can also give response headers: fills
     * `out` (see lyrebird_stream_head). When set, the host calls it instead of stream_open; the
     * host calls stream_close exactly once for every stream it returned LYREBIRD_OK for.
     */
    int32_t (*stream_open_v2)(void *context, lyrebird_bytes request_json, lyrebird_bytes reply_context_json,
                              lyrebird_stream_head *out);

    /**
     * Answers a request to a route registered with "answered_by": "provider" (a model list, a
     * stored object), with no fixtures involved. `host_info_json` is what the host knows:
     * {"models":[{"id":"gpt-4o","owned_by":"lyrebird"}]}; `reply_context_json` carries the
     * request id and fresh id material, as for encoding. Fill `out` (status, body, ...) and
     * return LYREBIRD_OK; any other status gives the client a 500. Runs on one of the host's
     * script threads, like a responder's respond: it may block, and several may run at once.
     * Required when a route says "answered_by": "provider"; may be NULL otherwise.
     */
    int32_t (*answer)(void *context, const lyrebird_wire_request *request, lyrebird_bytes host_info_json,
                      lyrebird_bytes reply_context_json, lyrebird_response *out);

    /**
     * The client went away before the stream ended: nothing more will be sent. Called instead
     * of stream_finish, then stream_close follows. `reason` says what happened
     * (NUL-terminated). May be NULL; the host then only calls stream_close.
     */
    void (*stream_abort)(void *stream, const char *reason);

    /**
     * The models this provider offers, as a JSON array of ids (copied): ["acme-small"]. The
     * host lists them, owned by the provider, in its model lists (GET /v1/models, and the
     * host_info_json given to answer). May be NULL: none.
     */
    const char *models_json;

    /* ABI 1.2: read by the host only when struct_size covers it. */

    /**
     * The rate-limit headers of a response to a key whose plan limits it, in the provider's own
     * dialect. `figures_json` is what the quota stage counted:
     * {"requests":{"minute":{"limit":3,"remaining":2,"reset":1796594460}},
     *  "tokens":{"limit":1000,"remaining":940,"reset":1796594460},"now":1796594412.5}
     * ("requests" has the windows the plan limits: "minute", "day", "month"; "tokens" is absent
     * without a token limit; "reset" and "now" are Unix seconds). Fill `out` with headers as JSON
     * [{"name","value"}], or leave it empty for none. Runs on an event-loop thread for every
     * such response: it must not block. May be NULL: the response carries the host's
     * x-ratelimit-limit, -remaining and -reset only.
     */
    int32_t (*rate_limit_headers)(void *context, lyrebird_bytes figures_json, lyrebird_buffer *out);
} lyrebird_provider;

/**
 * Where a responder sends its events. Valid only during the respond call that received it;
 * call it only from the thread that runs respond.
 */
typedef struct lyrebird_sink {
    /** Set by the host. */
    uint32_t struct_size;
    /** Passed back to emit and pause. */
    void *sink;
    /**
     * Sends one reply event as JSON, for example {"type":"text","text":"Hi"}. Returns LYREBIRD_OK,
     * LYREBIRD_STOP when the reply is over (stop and return), or LYREBIRD_ERROR for an event
     * that is not valid.
     */
    int32_t (*emit)(void *sink, const uint8_t *event_json, size_t length);
    /** Waits before the next event, as a slow model would. Returns LYREBIRD_OK or LYREBIRD_STOP. */
    int32_t (*pause)(void *sink, uint32_t milliseconds);
} lyrebird_sink;

/**
 * A reply computer that fixtures name: `reply: {responder: NAME, params: {...}}`.
 * respond runs on a host thread that may block (pause, I/O); several respond calls may run at
 * once on different threads.
 */
typedef struct lyrebird_responder {
    /** sizeof(lyrebird_responder) as the plugin was compiled. */
    uint32_t struct_size;
    /** The name fixtures use (copied). */
    const char *name;
    /** Passed back to respond. */
    void *context;
    /**
     * Emits the reply to `request_json` (a canonical request) into `sink`. `params_json` is the
     * fixture's params ("null" when none). Return LYREBIRD_OK, or LYREBIRD_ERROR to end the reply
     * with a 500 (emit an error event first to choose the status and message).
     */
    int32_t (*respond)(void *context, lyrebird_bytes request_json, lyrebird_bytes params_json, const lyrebird_sink *sink);
} lyrebird_responder;

/**
 * The functions the host offers. Valid for the life of the process; plugins may keep the
 * pointer. Every function is thread-safe unless noted.
 */
typedef struct lyrebird_host_api {
    /* Frozen prefix: never changes in any ABI version. */
    /** sizeof(lyrebird_host_api) as the host was compiled. */
    uint32_t struct_size;
    /** The host's ABI major: must equal LYREBIRD_PLUGIN_ABI_MAJOR. */
    uint16_t abi_major;
    /** The host's ABI minor: must be >= LYREBIRD_PLUGIN_ABI_MINOR. */
    uint16_t abi_minor;

    /** Pass this to every function below that takes a host. */
    lyrebird_host *host;

    /** Allocates memory the host will own (for lyrebird_buffer outputs). NULL when out of memory. */
    void *(*alloc)(size_t size);
    /** Frees memory from alloc. */
    void (*free)(void *pointer);

    /** Writes a line to the host log, tagged with the plugin's name. `message` is NUL-terminated. */
    void (*log)(lyrebird_host *host, int32_t level, const char *message);

    /**
     * The plugin's own configuration, as JSON ("null" when none), NUL-terminated; `length` (may be
     * NULL) receives its length. Valid for the life of the process.
     */
    const char *(*config_json)(lyrebird_host *host, size_t *length);

    /** During entry: the reason entry is about to fail, shown in the host's startup error. */
    void (*set_error)(lyrebird_host *host, const char *message);

    /** During entry only: registers a provider. LYREBIRD_ERROR when the struct is malformed. */
    int32_t (*register_provider)(lyrebird_host *host, const lyrebird_provider *provider);

    /** During entry only: registers a responder. LYREBIRD_ERROR when the struct is malformed. */
    int32_t (*register_responder)(lyrebird_host *host, const lyrebird_responder *responder);

    /**
     * Looks up the value at an RFC 6901 JSON pointer ("" is the whole document, "/messages/0/role")
     * and writes it to `out` as compact JSON text. LYREBIRD_NOT_FOUND when absent,
     * LYREBIRD_ERROR when `json` is not JSON.
     */
    int32_t (*json_get)(const uint8_t *json, size_t length, const char *pointer, lyrebird_buffer *out);

    /** Like json_get, but the value must be a string and `out` gets its UTF-8 text, unescaped. */
    int32_t (*json_get_string)(const uint8_t *json, size_t length, const char *pointer, lyrebird_buffer *out);
} lyrebird_host_api;

/** What a plugin says about itself. The host zeroes it and sets struct_size before entry. */
typedef struct lyrebird_plugin_info {
    /* Frozen prefix: never changes in any ABI version. */
    /** Set by the host: write no field it does not cover. */
    uint32_t struct_size;
    /** The ABI the plugin was built against: write LYREBIRD_PLUGIN_ABI_MAJOR first. */
    uint16_t abi_major;
    /** Write LYREBIRD_PLUGIN_ABI_MINOR. */
    uint16_t abi_minor;

    /** The plugin's name, NUL-terminated UTF-8: in logs, /health and the journal's plugin field. */
    char name[LYREBIRD_PLUGIN_NAME_CAPACITY];
    /** The plugin's version, NUL-terminated UTF-8 ("1.2.0"). */
    char version[LYREBIRD_PLUGIN_VERSION_CAPACITY];
} lyrebird_plugin_info;

/**
 * The entry point, exported as LYREBIRD_PLUGIN_ENTRY_SYMBOL. Called once, on one thread, before
 * the host serves anything. It must first write `info` (at least abi_major and abi_minor), then
 * check `host->abi_major` / `host->abi_minor` (see LYREBIRD_PLUGIN_HOST_SUPPORTED) before using
 * any other host field, then register. Return LYREBIRD_OK, or an error code after set_error;
 * on any failure the host discards everything the plugin registered and refuses to start.
 */
typedef int32_t (*lyrebird_plugin_entry_fn)(const lyrebird_host_api *host, lyrebird_plugin_info *info);

/**
 * What built a plugin written in Swift (ABI 1.1). Swift has no stable ABI on Linux, so a Swift
 * plugin runs only in a host built by the same Swift compiler: the host reads this before it
 * calls the entry point, and refuses a plugin whose compiler differs from its own, naming both.
 * The host zeroes it and sets struct_size; the plugin fills it.
 */
typedef struct lyrebird_swift_info {
    /** Set by the host. */
    uint32_t struct_size;
    /** The ABI the plugin was built against: LYREBIRD_PLUGIN_ABI_MAJOR. */
    uint16_t abi_major;
    /** LYREBIRD_PLUGIN_ABI_MINOR. */
    uint16_t abi_minor;
    /** The Swift compiler's version as major.minor.patch, "6.3.1" (NUL-terminated). */
    char compiler_version[LYREBIRD_SWIFT_VERSION_CAPACITY];
} lyrebird_swift_info;

/**
 * Exported as LYREBIRD_PLUGIN_SWIFT_INFO_SYMBOL by Swift plugins (the Swift layer,
 * LyrebirdPluginAPI, exports it for them). It only fills `info`: no other host function is
 * called, nothing else runs.
 */
typedef void (*lyrebird_plugin_swift_info_fn)(lyrebird_swift_info *info);

/** True when a host offering `host` can run a plugin built against this header. */
#define LYREBIRD_PLUGIN_HOST_SUPPORTED(host)                                                      \
    ((host) != NULL && (host)->abi_major == LYREBIRD_PLUGIN_ABI_MAJOR &&                          \
     (host)->abi_minor >= LYREBIRD_PLUGIN_ABI_MINOR)

#ifdef __cplusplus
}
#endif

#endif /* LYREBIRD_PLUGIN_H */
