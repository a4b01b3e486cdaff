/*
 * my-plugin: a provider (a wire format) for Lyrebird, in C.
 *
 *   POST /my-plugin/v1/generate       {"model", "prompt", "stream"?}, answered from fixtures
 *   GET  /my-plugin/v1/models/{model} answered by this provider, from the host's model list
 *
 * The host calls these callbacks on many threads at once: they keep no shared state.
 * Every buffer handed to the host is allocated with its alloc; the host frees it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lyrebird_plugin.h"

static const lyrebird_host_api *api;

/* Copies `length` bytes into a buffer from the host's allocator. */
static void give(lyrebird_buffer *out, const char *bytes, size_t length) {
    out->data = api->alloc(length);
    if (out->data == NULL) return;
    memcpy(out->data, bytes, length);
    out->length = length;
}

/* Formats into a buffer from the host's allocator, at most `capacity` bytes. */
static int32_t give_format(lyrebird_buffer *out, size_t capacity, const char *format, ...) {
    char *text = malloc(capacity);
    if (text == NULL) return LYREBIRD_ERROR;
    va_list arguments;
    va_start(arguments, format);
    int length = vsnprintf(text, capacity, format, arguments);
    va_end(arguments);
    if (length >= 0 && (size_t)length < capacity) give(out, text, (size_t)length);
    free(text);
    return length >= 0 && (size_t)length < capacity ? LYREBIRD_OK : LYREBIRD_ERROR;
}

/* The JSON text at `pointer` in `json`, or `fallback`; free with api->free. */
static lyrebird_buffer get(lyrebird_bytes json, const char *pointer, const char *fallback) {
    lyrebird_buffer value = {0};
    if (api->json_get(json.data, json.length, pointer, &value) != LYREBIRD_OK) {
        api->free(value.data);
        value.data = NULL;
        give(&value, fallback, strlen(fallback));
    }
    return value;
}

#define SPAN(buffer) (int)(buffer).length, (const char *)(buffer).data

/* Wire request -> canonical request (see "JSON forms" in the guide). */
static int32_t decode(void *context, const lyrebird_wire_request *request, lyrebird_buffer *out) {
    (void)context;
    lyrebird_buffer model = get(request->body, "/model", ""), prompt = get(request->body, "/prompt", "");
    lyrebird_buffer stream = get(request->body, "/stream", "false");
    int32_t status;
    if (model.length == 0 || model.data[0] != '"' || prompt.length == 0 || prompt.data[0] != '"') {
        /* A reply error names the parameter at fault; the host encodes it with encode_error. */
        const char *param = model.length == 0 || model.data[0] != '"' ? "model" : "prompt";
        status = give_format(out, 128, "{\"status\":400,\"message\":\"the request needs a %s\",\"param\":\"%s\"}", param, param)
                     == LYREBIRD_OK ? LYREBIRD_REPLY_ERROR : LYREBIRD_ERROR;
    } else {
        status = give_format(out, model.length + prompt.length + 256,
                             "{\"operation\":\"my-plugin.generate\",\"model\":%.*s,\"stream\":%s,\"include_usage\":true,"
                             "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":%.*s}]}]}",
                             SPAN(model), strncmp((const char *)stream.data, "true", 4) == 0 ? "true" : "false", SPAN(prompt));
    }
    api->free(model.data);
    api->free(prompt.data);
    api->free(stream.data);
    return status;
}

static int32_t encode_reply(void *context, lyrebird_bytes reply, lyrebird_bytes request, lyrebird_bytes reply_context,
                            lyrebird_response *out) {
    (void)context, (void)request;
    lyrebird_buffer id = get(reply_context, "/id_suffix", "\"\""), model = get(reply_context, "/model", "\"\"");
    lyrebird_buffer text = get(reply, "/choices/0/text", "\"\""), finish = get(reply, "/choices/0/finish_reason", "\"stop\"");
    lyrebird_buffer input = get(reply, "/usage/prompt_tokens", "0"), output = get(reply, "/usage/completion_tokens", "0");
    out->status = 200;
    /* id_suffix arrives quoted: "gen_" goes inside its quotes. */
    int32_t status = give_format(
        &out->body, id.length + model.length + text.length + finish.length + 256,
        "{\"id\":\"gen_%.*s,\"model\":%.*s,\"text\":%.*s,\"finish_reason\":%.*s,\"usage\":{\"input_tokens\":%.*s,\"output_tokens\":%.*s}}",
        (int)id.length - 1, (const char *)id.data + 1, SPAN(model), SPAN(text), SPAN(finish), SPAN(input), SPAN(output));
    lyrebird_buffer all[] = {id, model, text, finish, input, output};
    for (size_t index = 0; index < sizeof all / sizeof *all; index++) api->free(all[index].data);
    return status;
}

/* Every error, from decoding, fixtures or responders, in this format's shape. */
static int32_t encode_error(void *context, lyrebird_bytes error, lyrebird_bytes request, lyrebird_bytes reply_context,
                            lyrebird_response *out) {
    (void)context, (void)request, (void)reply_context;
    lyrebird_buffer status = get(error, "/status", "500"), message = get(error, "/message", "\"\""), param = get(error, "/param", "null");
    char digits[8] = {0};
    memcpy(digits, status.data, status.length < sizeof digits - 1 ? status.length : sizeof digits - 1);
    out->status = atoi(digits);
    int32_t result = give_format(&out->body, message.length + param.length + 64, "{\"error\":{\"message\":%.*s,\"param\":%.*s}}",
                                 SPAN(message), SPAN(param));
    api->free(status.data);
    api->free(message.data);
    api->free(param.data);
    return result;
}

/* A stream's state: the finish reason, written with the usage that the host sends last. */
typedef struct stream_state {
    char finish_reason[32];
} stream_state;

static int32_t stream_open_v2(void *context, lyrebird_bytes request, lyrebird_bytes reply_context, lyrebird_stream_head *out) {
    (void)context, (void)request;
    stream_state *state = calloc(1, sizeof *state);
    if (state == NULL) return LYREBIRD_ERROR;
    strcpy(state->finish_reason, "\"stop\"");
    out->stream = state;
    give(&out->content_type, "text/event-stream", strlen("text/event-stream"));
    lyrebird_buffer id = get(reply_context, "/request_id", "\"\"");
    /* The host's request id under this format's own header name. */
    int32_t status = give_format(&out->headers_json, id.length + 64, "[{\"name\":\"my-plugin-request-id\",\"value\":%.*s}]", SPAN(id));
    api->free(id.data);
    return status;
}

static int32_t stream_encode(void *stream, lyrebird_bytes event, uint32_t choice, lyrebird_buffer *out) {
    stream_state *state = stream;
    if (choice != 0) return LYREBIRD_OK; /* one choice only */
    lyrebird_buffer type = {0};
    if (api->json_get_string(event.data, event.length, "/type", &type) != LYREBIRD_OK) return LYREBIRD_ERROR;
    int32_t status = LYREBIRD_OK;
    if (type.length == 4 && memcmp(type.data, "text", 4) == 0) {
        lyrebird_buffer text = get(event, "/text", "\"\"");
        status = give_format(out, text.length + 64, "event: text\ndata: {\"text\":%.*s}\n\n", SPAN(text));
        api->free(text.data);
    } else if (type.length == 6 && memcmp(type.data, "finish", 6) == 0) {
        lyrebird_buffer reason = get(event, "/reason", "\"stop\"");
        if (reason.length < sizeof state->finish_reason) snprintf(state->finish_reason, sizeof state->finish_reason, "%.*s", SPAN(reason));
        api->free(reason.data);
    } else if (type.length == 5 && memcmp(type.data, "usage", 5) == 0) {
        lyrebird_buffer input = get(event, "/usage/prompt_tokens", "0"), output = get(event, "/usage/completion_tokens", "0");
        status = give_format(out, 192, "event: done\ndata: {\"finish_reason\":%s,\"usage\":{\"input_tokens\":%.*s,\"output_tokens\":%.*s}}\n\n",
                             state->finish_reason, SPAN(input), SPAN(output));
        api->free(input.data);
        api->free(output.data);
    } else if (type.length == 5 && memcmp(type.data, "error", 5) == 0) {
        lyrebird_buffer message = get(event, "/error/message", "\"\"");
        status = give_format(out, message.length + 64, "event: error\ndata: {\"message\":%.*s}\n\n", SPAN(message));
        api->free(message.data);
    } /* tool calls and embeddings: this format has none */
    api->free(type.data);
    return status;
}

static int32_t stream_finish(void *stream, lyrebird_buffer *out) {
    (void)stream, (void)out; /* "done" already went out with the usage */
    return LYREBIRD_OK;
}

static void stream_abort(void *stream, const char *reason) {
    (void)stream;
    char line[256];
    snprintf(line, sizeof line, "a client went away mid-stream: %s", reason);
    api->log(api->host, LYREBIRD_LOG_INFO, line);
}

static void stream_close(void *stream) { free(stream); }

/* GET /my-plugin/v1/models/{model}: the model if the host lists it. */
static int32_t answer(void *context, const lyrebird_wire_request *request, lyrebird_bytes host_info, lyrebird_bytes reply_context,
                      lyrebird_response *out) {
    (void)context, (void)reply_context;
    lyrebird_buffer wanted = get(request->path_parameters_json, "/model", "\"\"");
    int32_t status = LYREBIRD_ERROR;
    for (int index = 0;; index++) {
        char pointer[64];
        snprintf(pointer, sizeof pointer, "/models/%d", index);
        lyrebird_buffer model = {0};
        if (api->json_get(host_info.data, host_info.length, pointer, &model) != LYREBIRD_OK) {
            out->status = 404;
            status = give_format(&out->body, wanted.length + 64, "{\"error\":{\"message\":\"no such model\",\"param\":\"model\"}}");
            break;
        }
        lyrebird_bytes entry = {model.data, model.length};
        lyrebird_buffer id = get(entry, "/id", "\"\""), owner = get(entry, "/owned_by", "\"\"");
        int found = id.length == wanted.length && memcmp(id.data, wanted.data, id.length) == 0;
        if (found) {
            out->status = 200;
            status = give_format(&out->body, id.length + owner.length + 32, "{\"id\":%.*s,\"owned_by\":%.*s}", SPAN(id), SPAN(owner));
        }
        api->free(id.data);
        api->free(owner.data);
        api->free(model.data);
        if (found) break;
    }
    api->free(wanted.data);
    return status;
}

int32_t lyrebird_plugin_entry(const lyrebird_host_api *host, lyrebird_plugin_info *info) {
    info->abi_major = LYREBIRD_PLUGIN_ABI_MAJOR; /* 1. declare the ABI this was built against */
    info->abi_minor = LYREBIRD_PLUGIN_ABI_MINOR;
    snprintf(info->name, sizeof info->name, "my-plugin");
    snprintf(info->version, sizeof info->version, "0.1.0");
    if (!LYREBIRD_PLUGIN_HOST_SUPPORTED(host)) return LYREBIRD_ABI_MISMATCH; /* 2. check the host's */
    api = host; /* the table lives for ever */
    lyrebird_provider provider = {
        .struct_size = sizeof provider,
        .name = "my-plugin",
        .routes_json = "[{\"method\":\"POST\",\"path\":\"/my-plugin/v1/generate\",\"operation\":\"my-plugin.generate\"},"
                       "{\"method\":\"GET\",\"path\":\"/my-plugin/v1/models/{model}\",\"operation\":\"my-plugin.model\","
                       "\"transports\":[\"http\"],\"answered_by\":\"provider\"}]",
        .decode = decode,
        .encode_reply = encode_reply,
        .encode_error = encode_error,
        .stream_open_v2 = stream_open_v2,
        .stream_encode = stream_encode,
        .stream_finish = stream_finish,
        .stream_close = stream_close,
        .answer = answer,
        .stream_abort = stream_abort,
    };
    return host->register_provider(host->host, &provider); /* 3. register (strings are copied) */
}
