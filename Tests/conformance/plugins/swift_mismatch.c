/*
 * Stands in for a Swift plugin built by another Swift compiler: it exports
 * lyrebird_plugin_swift_info, as every Swift plugin does, naming a compiler no host here has.
 * The host must refuse it before its entry point runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include "lyrebird_plugin.h"

void lyrebird_plugin_swift_info(lyrebird_swift_info *info) {
    info->abi_major = LYREBIRD_PLUGIN_ABI_MAJOR;
    info->abi_minor = LYREBIRD_PLUGIN_ABI_MINOR;
    if (info->struct_size < sizeof *info) return;
    snprintf(info->compiler_version, sizeof info->compiler_version, "5.10.1");
}

int32_t lyrebird_plugin_entry(const lyrebird_host_api *host, lyrebird_plugin_info *info) {
    (void)host, (void)info;
    abort(); /* the host refuses the plugin before it runs any of its code but the above */
}
