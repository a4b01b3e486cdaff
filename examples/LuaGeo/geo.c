#include "lyrebird_geo.h"

#include <ctype.h>
#include <math.h>

const char *lyrebird_lua_manifest(void) {
    return "haversine_km double(double,double,double,double)\n"
           "word_count int32(string)\n"
           "fnv1a32 int64(bytes)\n";
}

double haversine_km(double lat1, double lon1, double lat2, double lon2) {
    const double radians = M_PI / 180.0;
    double dlat = (lat2 - lat1) * radians;
    double dlon = (lon2 - lon1) * radians;
    double a = sin(dlat / 2) * sin(dlat / 2) + cos(lat1 * radians) * cos(lat2 * radians) * sin(dlon / 2) * sin(dlon / 2);
    return 6371.0 * 2 * atan2(sqrt(a), sqrt(1 - a));
}

int32_t word_count(const char *text) {
    int32_t words = 0;
    int inside = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (isspace(*p)) {
            inside = 0;
        } else if (!inside) {
            inside = 1;
            words++;
        }
    }
    return words;
}

int64_t fnv1a32(const void *data, size_t length) {
    uint32_t hash = 2166136261u;
    const unsigned char *bytes = (const unsigned char *)data;
    for (size_t i = 0; i < length; i++) {
        hash ^= bytes[i];
        hash *= 16777619u;
    }
    return (int64_t)hash;
}
