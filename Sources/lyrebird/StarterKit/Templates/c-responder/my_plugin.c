/*
 * my-plugin: a responder for Lyrebird, in C. It answers "You said: " and the last user
 * message, pausing `pause_ms` (a fixture parameter) between the two.
 *
 * respond runs on one of the host's script threads, which may block; several run at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lyrebird_plugin.h"

static const lyrebird_host_api *api;

/* Sends one reply event; LYREBIRD_STOP means the client went away. */
static int32_t emit(const lyrebird_sink *sink, const char *event) {
    return sink->emit(sink->sink, (const uint8_t *)event, strlen(event));
}

static int32_t respond(void *context, lyrebird_bytes request, lyrebird_bytes params, const lyrebird_sink *sink) {
    (void)context;
    /* json_get gives JSON text: the message arrives quoted and escaped, ready to be a value. */
    lyrebird_buffer text = {0}, pause = {0};
    if (api->json_get(request.data, request.length, "/last_user_text", &text) != LYREBIRD_OK) return LYREBIRD_ERROR;
    uint32_t milliseconds = 0;
    if (api->json_get(params.data, params.length, "/pause_ms", &pause) == LYREBIRD_OK) {
        char digits[16] = {0};
        memcpy(digits, pause.data, pause.length < sizeof digits - 1 ? pause.length : sizeof digits - 1);
        milliseconds = (uint32_t)strtoul(digits, NULL, 10);
    }
    api->free(pause.data);
    char *event = malloc(text.length + 64);
    if (event == NULL) {
        api->free(text.data);
        return LYREBIRD_ERROR;
    }
    snprintf(event, text.length + 64, "{\"type\":\"text\",\"text\":%.*s}", (int)text.length, (const char *)text.data);
    api->free(text.data);
    if (emit(sink, "{\"type\":\"text\",\"text\":\"You said: \"}") == LYREBIRD_OK && sink->pause(sink->sink, milliseconds) == LYREBIRD_OK)
        emit(sink, event);
    free(event);
    /* The host adds the finish and the usage. To fail with a status of your choosing, emit
     * {"type":"error","error":{"status":400,"message":"..."}} and return LYREBIRD_OK. */
    return LYREBIRD_OK;
}

int32_t lyrebird_plugin_entry(const lyrebird_host_api *host, lyrebird_plugin_info *info) {
    info->abi_major = LYREBIRD_PLUGIN_ABI_MAJOR; /* 1. declare the ABI this was built against */
    info->abi_minor = LYREBIRD_PLUGIN_ABI_MINOR;
    snprintf(info->name, sizeof info->name, "my-plugin");
    snprintf(info->version, sizeof info->version, "0.1.0");
    if (!LYREBIRD_PLUGIN_HOST_SUPPORTED(host)) return LYREBIRD_ABI_MISMATCH; /* 2. check the host's */
    api = host; /* the table lives for ever */
    lyrebird_responder responder = {sizeof responder, "my-plugin", NULL, respond};
    return host->register_responder(host->host, &responder); /* 3. register (the name is copied) */
}
