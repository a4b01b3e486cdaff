// A Lua extension for Lyrebird: plain C functions that Lua scripts call through libffi.
#ifndef LYREBIRD_GEO_H
#define LYREBIRD_GEO_H

#include <stddef.h>
#include <stdint.h>

/// One line per function: its symbol and its signature.
const char *lyrebird_lua_manifest(void);

/// Great-circle distance in kilometres between two points given in degrees.
double haversine_km(double lat1, double lon1, double lat2, double lon2);

/// Words (runs of non-space characters) in a NUL-terminated string.
int32_t word_count(const char *text);

/// The FNV-1a 32-bit hash of a byte buffer.
int64_t fnv1a32(const void *data, size_t length);

#endif
