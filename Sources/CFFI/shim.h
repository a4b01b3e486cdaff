// libffi for Swift. The ffi_type_* globals are mutable C globals that Swift 6 rejects as not
// concurrency-safe; these accessors hand out their addresses instead.
#ifndef LYREBIRD_CFFI_SHIM_H
#define LYREBIRD_CFFI_SHIM_H

#include <ffi.h>

static inline ffi_type *lyrebird_ffi_type_void(void) { return &ffi_type_void; }
static inline ffi_type *lyrebird_ffi_type_sint32(void) { return &ffi_type_sint32; }
static inline ffi_type *lyrebird_ffi_type_sint64(void) { return &ffi_type_sint64; }
static inline ffi_type *lyrebird_ffi_type_float(void) { return &ffi_type_float; }
static inline ffi_type *lyrebird_ffi_type_double(void) { return &ffi_type_double; }
static inline ffi_type *lyrebird_ffi_type_pointer(void) { return &ffi_type_pointer; }
static inline ffi_type *lyrebird_ffi_type_uint64(void) { return &ffi_type_uint64; }

#endif
