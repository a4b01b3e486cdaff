/* A plugin built for an ABI major this host does not have. */
#include "lyrebird_plugin.h"

int32_t lyrebird_plugin_entry(const lyrebird_host_api *host, lyrebird_plugin_info *info) {
    info->abi_major = 99;
    info->abi_minor = 3;
    /* A real plugin of another major would stop here, as this one does. */
    return host->abi_major == 99 ? LYREBIRD_OK : LYREBIRD_ABI_MISMATCH;
}
