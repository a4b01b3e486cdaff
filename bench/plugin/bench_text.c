/*
 * bench_text: the smallest useful C responder, for bench/run.sh. It answers with the string a
 * fixture gives in `params: {text: "..."}`, as one text event, so the benchmark measures what the
 * host spends calling a native responder (request JSON, a thread, the sink) against a static
 * fixture with the same reply.
 *
 *     gcc -O2 -shared -fPIC -I Sources/PluginAPI/C/include -o libBenchText.so bench/plugin/bench_text.c
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lyrebird_plugin.h"

static const lyrebird_host_api *api;

static int32_t respond(void *context, lyrebird_bytes request, lyrebird_bytes params, const lyrebird_sink *sink) {
    (void)context;
    (void)request;
    /* json_get gives the value as compact JSON: a string literal, already escaped, which goes
     * into the event as it is. */
    lyrebird_buffer text = {0};
    if (api->json_get(params.data, params.length, "/text", &text) != LYREBIRD_OK) {
        const char *error = "{\"type\":\"error\",\"error\":{\"status\":500,\"message\":\"bench_text needs params.text\"}}";
        sink->emit(sink->sink, (const uint8_t *)error, strlen(error));
        return LYREBIRD_OK;
    }
    static const char head[] = "{\"type\":\"text\",\"text\":";
    size_t length = sizeof head - 1 + text.length + 1;
    uint8_t *event = malloc(length); /* our own: emit copies what it is given */
    if (!event) {
        api->free(text.data);
        return LYREBIRD_ERROR;
    }
    memcpy(event, head, sizeof head - 1);
    memcpy(event + sizeof head - 1, text.data, text.length);
    event[length - 1] = '}';
    api->free(text.data);
    int32_t status = sink->emit(sink->sink, event, length);
    free(event);
    return status == LYREBIRD_ERROR ? LYREBIRD_ERROR : LYREBIRD_OK;
}

int32_t lyrebird_plugin_entry(const lyrebird_host_api *host, lyrebird_plugin_info *info) {
    info->abi_major = LYREBIRD_PLUGIN_ABI_MAJOR;
    info->abi_minor = LYREBIRD_PLUGIN_ABI_MINOR;
    snprintf(info->name, sizeof info->name, "bench-text");
    snprintf(info->version, sizeof info->version, "1.0.0");
    if (!LYREBIRD_PLUGIN_HOST_SUPPORTED(host)) return LYREBIRD_ABI_MISMATCH;
    api = host;
    lyrebird_responder responder = {sizeof responder, "bench_text", NULL, respond};
    return host->register_responder(host->host, &responder);
}
