/*
 * The word-stats plugin: a Lyrebird responder written in plain C against lyrebird_plugin.h alone.
 */
#ifndef LYREBIRD_WORD_STATS_H
#define LYREBIRD_WORD_STATS_H

#include "lyrebird_plugin.h"

/** The plugin's entry point (LYREBIRD_PLUGIN_ENTRY_SYMBOL). */
int32_t lyrebird_plugin_entry(const lyrebird_host_api *host, lyrebird_plugin_info *info);

#endif
