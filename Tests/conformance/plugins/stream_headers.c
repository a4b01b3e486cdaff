/*
 * A provider built against the current header that gives its streams headers through
 * stream_open_v2 (ABI 1.1) and leaves stream_open NULL.
 *
 * POST /new/stream takes {"model": "...", "stream": true|false} and streams "start\n", one line
 * per event and "end\n", with the headers x-stream-abi: 1.1 and x-stream-request-id: the request
 * id from the reply context.
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
    snprintf(canonical, sizeof canonical, "{\"operation\":\"new.stream\",\"model\":%.*s,\"messages\":[],\"stream\":%s}",
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

/* Every error is a 500 here: the tests never make one. */
static int32_t encode_error(void *context, lyrebird_bytes error, lyrebird_bytes request, lyrebird_bytes reply_context,
                            lyrebird_response *out) {
    (void)context, (void)request, (void)reply_context;
    out->status = 500;
    give(&out->body, error.data, error.length);
    return LYREBIRD_OK;
}

static int32_t stream_open_v2(void *context, lyrebird_bytes request, lyrebird_bytes reply_context, lyrebird_stream_head *out) {
    (void)context, (void)request;
    if (out->struct_size < sizeof *out) return LYREBIRD_ERROR;
    lyrebird_buffer id = {0};
    if (api->json_get(reply_context.data, reply_context.length, "/request_id", &id) != LYREBIRD_OK) return LYREBIRD_ERROR;
    char headers[256];
    /* The id arrives as JSON text, quotes included, ready to be a JSON value. */
    snprintf(headers, sizeof headers, "[{\"name\":\"x-stream-abi\",\"value\":\"1.1\"},{\"name\":\"x-stream-request-id\",\"value\":%.*s}]",
             (int)id.length, (const char *)id.data);
    api->free(id.data);
    out->stream = out; /* this provider keeps no state; any non-NULL handle will do */
    give_string(&out->content_type, "text/plain");
    give_string(&out->headers_json, headers);
    give_string(&out->start, "start\n");
    return LYREBIRD_OK;
}

static int32_t stream_encode(void *stream, lyrebird_bytes event, uint32_t choice, lyrebird_buffer *out) {
    (void)stream, (void)choice;
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

static void stream_close(void *stream) { (void)stream; }

int32_t lyrebird_plugin_entry(const lyrebird_host_api *host, lyrebird_plugin_info *info) {
    info->abi_major = LYREBIRD_PLUGIN_ABI_MAJOR;
    info->abi_minor = LYREBIRD_PLUGIN_ABI_MINOR;
    snprintf(info->name, sizeof info->name, "new-stream");
    snprintf(info->version, sizeof info->version, "1.1.0");
    if (!LYREBIRD_PLUGIN_HOST_SUPPORTED(host)) return LYREBIRD_ABI_MISMATCH;
    api = host;
    lyrebird_provider provider = {
        .struct_size = sizeof provider,
        .name = "new.stream",
        .routes_json = "[{\"method\":\"POST\",\"path\":\"/new/stream\",\"operation\":\"new.stream\"}]",
        .decode = decode,
        .encode_reply = encode_reply,
        .encode_error = encode_error,
        .stream_encode = stream_encode,
        .stream_finish = stream_finish,
        .stream_close = stream_close,
        .stream_open_v2 = stream_open_v2,
    };
    return host->register_provider(host->host, &provider);
}
