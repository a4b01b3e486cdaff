/*
 * A provider that uses what ABI 1.1 added to lyrebird_provider and lyrebird_wire_request:
 *
 *   POST /things/{thing}/say   {"stream": true|false}: answered from fixtures; the model is the
 *                              path parameter `thing`. Whole replies are the reply context JSON;
 *                              streams are "start\n", one line per event, "end\n".
 *   GET  /things/{thing}       answered by the provider itself: {"path_parameters": {...},
 *                              "host": <host info>, "request_id": "..."}.
 *
 * It offers the model "thing-model". When a client goes away mid-stream, stream_abort logs
 * "stream aborted after N events: REASON".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lyrebird_plugin.h"

static const lyrebird_host_api *api;

static void give(lyrebird_buffer *out, const void *bytes, size_t length) {
    out->data = api->alloc(length);
    if (out->data == NULL) return;
    memcpy(out->data, bytes, length);
    out->length = length;
}

static void give_string(lyrebird_buffer *out, const char *text) { give(out, text, strlen(text)); }

static int32_t decode(void *context, const lyrebird_wire_request *request, lyrebird_buffer *out) {
    (void)context;
    if (request->struct_size < offsetof(lyrebird_wire_request, path_parameters_json) + sizeof(lyrebird_bytes)) return LYREBIRD_ERROR;
    lyrebird_buffer thing = {0}, stream = {0};
    /* json_get gives JSON text: the parameter arrives quoted and escaped, ready to be a value. */
    if (api->json_get(request->path_parameters_json.data, request->path_parameters_json.length, "/thing", &thing) != LYREBIRD_OK)
        return LYREBIRD_ERROR;
    api->json_get(request->body.data, request->body.length, "/stream", &stream);
    int streamed = stream.length == 4 && memcmp(stream.data, "true", 4) == 0;
    char canonical[512];
    snprintf(canonical, sizeof canonical, "{\"operation\":\"things.say\",\"model\":%.*s,\"messages\":[],\"stream\":%s}",
             (int)thing.length, (const char *)thing.data, streamed ? "true" : "false");
    api->free(thing.data);
    api->free(stream.data);
    give_string(out, canonical);
    return LYREBIRD_OK;
}

static int32_t encode_reply(void *context, lyrebird_bytes reply, lyrebird_bytes request, lyrebird_bytes reply_context,
                            lyrebird_response *out) {
    (void)context, (void)reply, (void)request;
    out->status = 200;
    give(&out->body, reply_context.data, reply_context.length);
    return LYREBIRD_OK;
}

static int32_t encode_error(void *context, lyrebird_bytes error, lyrebird_bytes request, lyrebird_bytes reply_context,
                            lyrebird_response *out) {
    (void)context, (void)request, (void)reply_context;
    lyrebird_buffer status = {0};
    char digits[8] = "500";
    if (api->json_get(error.data, error.length, "/status", &status) == LYREBIRD_OK && status.length < sizeof digits) {
        memcpy(digits, status.data, status.length);
        digits[status.length] = '\0';
    }
    api->free(status.data);
    out->status = atoi(digits);
    give(&out->body, error.data, error.length);
    return LYREBIRD_OK;
}

static int32_t answer(void *context, const lyrebird_wire_request *request, lyrebird_bytes host_info, lyrebird_bytes reply_context,
                      lyrebird_response *out) {
    (void)context;
    lyrebird_buffer id = {0};
    if (api->json_get(reply_context.data, reply_context.length, "/request_id", &id) != LYREBIRD_OK) return LYREBIRD_ERROR;
    size_t capacity = request->path_parameters_json.length + host_info.length + id.length + 64;
    char *body = malloc(capacity);
    if (body == NULL) return LYREBIRD_ERROR;
    int length = snprintf(body, capacity, "{\"path_parameters\":%.*s,\"host\":%.*s,\"request_id\":%.*s}",
                          (int)request->path_parameters_json.length, (const char *)request->path_parameters_json.data,
                          (int)host_info.length, (const char *)host_info.data, (int)id.length, (const char *)id.data);
    api->free(id.data);
    out->status = 200;
    give(&out->body, body, (size_t)length);
    free(body);
    return LYREBIRD_OK;
}

static int32_t stream_open_v2(void *context, lyrebird_bytes request, lyrebird_bytes reply_context, lyrebird_stream_head *out) {
    (void)context, (void)request, (void)reply_context;
    unsigned *events = calloc(1, sizeof *events);
    if (events == NULL) return LYREBIRD_ERROR;
    out->stream = events;
    give_string(&out->content_type, "text/plain");
    give_string(&out->start, "start\n");
    return LYREBIRD_OK;
}

static int32_t stream_encode(void *stream, lyrebird_bytes event, uint32_t choice, lyrebird_buffer *out) {
    (void)choice;
    ++*(unsigned *)stream;
    out->data = api->alloc(event.length + 1);
    if (out->data == NULL) return LYREBIRD_ERROR;
    memcpy(out->data, event.data, event.length);
    out->data[event.length] = '\n';
    out->length = event.length + 1;
    return LYREBIRD_OK;
}

static int32_t stream_finish(void *stream, lyrebird_buffer *out) {
    (void)stream;
    give_string(out, "end\n");
    return LYREBIRD_OK;
}

static void stream_abort(void *stream, const char *reason) {
    char line[512];
    snprintf(line, sizeof line, "stream aborted after %u events: %s", *(unsigned *)stream, reason);
    api->log(api->host, LYREBIRD_LOG_WARNING, line);
}

static void stream_close(void *stream) { free(stream); }

int32_t lyrebird_plugin_entry(const lyrebird_host_api *host, lyrebird_plugin_info *info) {
    info->abi_major = LYREBIRD_PLUGIN_ABI_MAJOR;
    info->abi_minor = LYREBIRD_PLUGIN_ABI_MINOR;
    snprintf(info->name, sizeof info->name, "things");
    snprintf(info->version, sizeof info->version, "1.1.0");
    if (!LYREBIRD_PLUGIN_HOST_SUPPORTED(host)) return LYREBIRD_ABI_MISMATCH;
    api = host;
    lyrebird_provider provider = {
        .struct_size = sizeof provider,
        .name = "things",
        .routes_json = "[{\"method\":\"POST\",\"path\":\"/things/{thing}/say\",\"operation\":\"things.say\"},"
                       "{\"method\":\"GET\",\"path\":\"/things/{thing}\",\"operation\":\"things.get\",\"answered_by\":\"provider\"}]",
        .decode = decode,
        .encode_reply = encode_reply,
        .encode_error = encode_error,
        .stream_encode = stream_encode,
        .stream_finish = stream_finish,
        .stream_close = stream_close,
        .stream_open_v2 = stream_open_v2,
        .answer = answer,
        .stream_abort = stream_abort,
        .models_json = "[\"thing-model\"]",
    };
    return host->register_provider(host->host, &provider);
}
