/*
 * lyrebird_swift_compiler.h: not part of the plugin ABI (C plugins never include it).
 *
 * The Swift layer's way to learn which Swift compiler builds it, for lyrebird_swift_info. Swift
 * code has no expression for its compiler's version, only `#if compiler(>=X)` tests; but the
 * Swift compiler defines `__swift__` as its own version (major * 10000 + minor * 100 + patch)
 * for the C headers it imports, and the body of a static inline function imported into Swift
 * is compiled by that same compiler. So the host and each Swift plugin get the version of the
 * compiler that built them.
 */
#ifndef LYREBIRD_SWIFT_COMPILER_H
#define LYREBIRD_SWIFT_COMPILER_H

#include <stdint.h>

/** The version of the Swift compiler compiling the caller (60301 for 6.3.1), or 0 outside Swift. */
static inline uint32_t lyrebird_swift_compiler_version(void) {
#ifdef __swift__
    return __swift__;
#else
    return 0;
#endif
}

#endif /* LYREBIRD_SWIFT_COMPILER_H */
