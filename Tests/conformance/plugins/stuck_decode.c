/*
 * A provider whose decode never returns in time: POST /stuck sleeps for ten minutes on the
 * thread that called it. Enough such requests hold every thread of the host's cooperative pool,
 * which is how the shutdown tests show that a stop does not depend on that pool.
 */
#include <stdio.h>
#include <unistd.h>
#include "lyrebird_plugin.h"

static int32_t stuck(void) {
    sleep(600);
    return LYREBIRD_ERROR;
}

static int32_t fail(void) { return LYREBIRD_ERROR; }

int32_t lyrebird_plugin_entry(const lyrebird_host_api *host, lyrebird_plugin_info *info) {
    info->abi_major = LYREBIRD_PLUGIN_ABI_MAJOR;
    info->abi_minor = LYREBIRD_PLUGIN_ABI_MINOR;
    snprintf(info->name, sizeof info->name, "stuck-decode");
    if (!LYREBIRD_PLUGIN_HOST_SUPPORTED(host)) return LYREBIRD_ABI_MISMATCH;
    lyrebird_provider provider = {
        .struct_size = sizeof provider,
        .name = "stuck.decode",
        .routes_json = "[{\"method\":\"POST\",\"path\":\"/stuck\",\"operation\":\"stuck.say\"}]",
        .decode = (void *)stuck,
        .encode_reply = (void *)fail,
        .encode_error = (void *)fail,
        .stream_open_v2 = (void *)fail,
        .stream_encode = (void *)fail,
        .stream_finish = (void *)fail,
        .stream_close = (void *)fail,
    };
    return host->register_provider(host->host, &provider);
}
