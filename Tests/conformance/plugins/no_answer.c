/* A provider with a route it answers itself ("answered_by": "provider") but no answer callback. */
#include <stdio.h>
#include "lyrebird_plugin.h"

static int32_t fail(void) { return LYREBIRD_ERROR; }

int32_t lyrebird_plugin_entry(const lyrebird_host_api *host, lyrebird_plugin_info *info) {
    info->abi_major = LYREBIRD_PLUGIN_ABI_MAJOR;
    info->abi_minor = LYREBIRD_PLUGIN_ABI_MINOR;
    snprintf(info->name, sizeof info->name, "no-answer");
    if (!LYREBIRD_PLUGIN_HOST_SUPPORTED(host)) return LYREBIRD_ABI_MISMATCH;
    lyrebird_provider provider = {
        .struct_size = sizeof provider,
        .name = "no.answer",
        .routes_json = "[{\"method\":\"GET\",\"path\":\"/no/answer\",\"operation\":\"no.answer\",\"answered_by\":\"provider\"}]",
        /* Never called: the host refuses the provider first. */
        .decode = (void *)fail,
        .encode_reply = (void *)fail,
        .encode_error = (void *)fail,
        .stream_open_v2 = (void *)fail,
        .stream_encode = (void *)fail,
        .stream_finish = (void *)fail,
        .stream_close = (void *)fail,
    };
    return host->register_provider(host->host, &provider);
}
