/*
 * A provider built against the ABI 1.0 header, kept here as it was (lyrebird_plugin.h in this
 * folder is a copy of the 1.0 header): later hosts must keep loading it and streaming through
 * its stream_open. Never edit either file; add a folder for a later version instead.
 *
 * POST /old/stream takes {"model": "...", "stream": true|false}. Whole replies echo the completed
 * reply JSON; streams are plain text: "start\n", one "event N: <event JSON>\n" per event, and
 * "end after N events\n".
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
    lyrebird_buffer model = {0}, stream = {0};
    char canonical[256];
    /* json_get gives JSON text: the model arrives quoted and escaped, ready to be a value. */
    api->json_get(request->body.data, request->body.length, "/model", &model);
    api->json_get(request->body.data, request->body.length, "/stream", &stream);
    int streamed = stream.length == 4 && memcmp(stream.data, "true", 4) == 0;
    snprintf(canonical, sizeof canonical, "{\"operation\":\"old.stream\",\"model\":%.*s,\"messages\":[],\"stream\":%s}",
             model.length ? (int)model.length : 3, model.length ? (const char *)model.data : "\"m\"", streamed ? "true" : "false");
    api->free(model.data);
    api->free(stream.data);
    give_string(out, canonical);
    return LYREBIRD_OK;
}

static int32_t encode_reply(void *context, lyrebird_bytes reply, lyrebird_bytes request, lyrebird_bytes reply_context,
                            lyrebird_response *out) {
    (void)context, (void)request, (void)reply_context;
    out->status = 200;
    give(&out->body, reply.data, reply.length);
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

static int32_t stream_open(void *context, lyrebird_bytes request, lyrebird_bytes reply_context, void **stream_out,
                           lyrebird_buffer *content_type_out, lyrebird_buffer *start_out) {
    (void)context, (void)request, (void)reply_context;
    unsigned *events = calloc(1, sizeof *events);
    if (events == NULL) return LYREBIRD_ERROR;
    *stream_out = events;
    give_string(content_type_out, "text/plain");
    give_string(start_out, "start\n");
    return LYREBIRD_OK;
}

static int32_t stream_encode(void *stream, lyrebird_bytes event, uint32_t choice, lyrebird_buffer *out) {
    (void)choice;
    unsigned *events = stream;
    char prefix[32];
    int length = snprintf(prefix, sizeof prefix, "event %u: ", ++*events);
    out->data = api->alloc((size_t)length + event.length + 1);
    if (out->data == NULL) return LYREBIRD_ERROR;
    memcpy(out->data, prefix, (size_t)length);
    memcpy(out->data + length, event.data, event.length);
    out->data[length + event.length] = '\n';
    out->length = (size_t)length + event.length + 1;
    return LYREBIRD_OK;
}

static int32_t stream_finish(void *stream, lyrebird_buffer *out) {
    char end[48];
    snprintf(end, sizeof end, "end after %u events\n", *(unsigned *)stream);
    give_string(out, end);
    return LYREBIRD_OK;
}

static void stream_close(void *stream) { free(stream); }

int32_t lyrebird_plugin_entry(const lyrebird_host_api *host, lyrebird_plugin_info *info) {
    info->abi_major = LYREBIRD_PLUGIN_ABI_MAJOR;
    info->abi_minor = LYREBIRD_PLUGIN_ABI_MINOR;
    snprintf(info->name, sizeof info->name, "old-stream");
    snprintf(info->version, sizeof info->version, "1.0.0");
    if (!LYREBIRD_PLUGIN_HOST_SUPPORTED(host)) return LYREBIRD_ABI_MISMATCH;
    api = host;
    lyrebird_provider provider = {
        sizeof provider, "old.stream", "[{\"method\":\"POST\",\"path\":\"/old/stream\",\"operation\":\"old.stream\"}]", NULL,
        decode, encode_reply, encode_error, stream_open, stream_encode, stream_finish, stream_close,
    };
    return host->register_provider(host->host, &provider);
}
