/* A plugin whose initialisation fails, saying why. */
#include <stdio.h>
#include "lyrebird_plugin.h"

int32_t lyrebird_plugin_entry(const lyrebird_host_api *host, lyrebird_plugin_info *info) {
    info->abi_major = LYREBIRD_PLUGIN_ABI_MAJOR;
    info->abi_minor = LYREBIRD_PLUGIN_ABI_MINOR;
    snprintf(info->name, sizeof info->name, "failing");
    if (!LYREBIRD_PLUGIN_HOST_SUPPORTED(host)) return LYREBIRD_ABI_MISMATCH;
    host->set_error(host->host, "cannot reach the license server");
    return LYREBIRD_ERROR;
}
