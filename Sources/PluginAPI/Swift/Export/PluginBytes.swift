import CLyrebirdPlugin

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Moves bytes across the plugin ABI by its memory rules: inputs are borrowed for one call,
/// outputs are allocated with the host's allocator and owned by the host from then on.
public enum PluginBytes {
    /// Lends `bytes` to `body` as a `lyrebird_bytes` valid only inside `body`.
    public static func lend<Result>(_ bytes: [UInt8], _ body: (lyrebird_bytes) -> Result) -> Result {
        bytes.withUnsafeBufferPointer { buffer in
            body(lyrebird_bytes(data: buffer.baseAddress, length: buffer.count))
        }
    }

    /// Copies borrowed bytes into an array.
    public static func copy(_ bytes: lyrebird_bytes) -> [UInt8] {
        guard let data = bytes.data, bytes.length > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: bytes.length))
    }

    /// Copies `length` bytes at `data` into an array.
    public static func copy(_ data: UnsafePointer<UInt8>?, length: Int) -> [UInt8] {
        guard let data, length > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: length))
    }

    /// Writes `bytes` into `buffer` in memory from `alloc`, which must be the host's allocator.
    ///
    /// - Returns: `false` when the allocation failed (the buffer is then left empty).
    @discardableResult
    public static func give(
        _ bytes: [UInt8], to buffer: UnsafeMutablePointer<lyrebird_buffer>?,
        alloc: (@convention(c) (Int) -> UnsafeMutableRawPointer?)?
    ) -> Bool {
        guard let buffer else { return false }
        buffer.pointee = lyrebird_buffer(data: nil, length: 0)
        guard !bytes.isEmpty else { return true }
        guard let alloc, let memory = alloc(bytes.count) else { return false }
        let typed = memory.bindMemory(to: UInt8.self, capacity: bytes.count)
        bytes.withUnsafeBufferPointer { source in
            typed.initialize(from: source.baseAddress!, count: bytes.count)
        }
        buffer.pointee = lyrebird_buffer(data: typed, length: bytes.count)
        return true
    }

    /// Takes ownership of a buffer the other side filled with the host's allocator (`malloc`):
    /// copies its bytes, frees it, and leaves it empty.
    public static func take(_ buffer: inout lyrebird_buffer) -> [UInt8] {
        defer {
            free(buffer.data)
            buffer = lyrebird_buffer(data: nil, length: 0)
        }
        return copy(buffer.data, length: buffer.length)
    }

    /// Writes `text` into a fixed-size C character array (as in `lyrebird_plugin_info`),
    /// truncated at a character boundary to fit with its terminating NUL.
    public static func write<Storage>(_ text: String, into storage: inout Storage) {
        withUnsafeMutableBytes(of: &storage) { raw in
            guard raw.count > 0 else { return }
            // Whole scalars only, so a multi-byte character is never cut in half.
            var utf8: [UInt8] = []
            for scalar in text.unicodeScalars {
                let encoded = Array(String(scalar).utf8)
                if utf8.count + encoded.count > raw.count - 1 { break }
                utf8 += encoded
            }
            raw.copyBytes(from: utf8)
            for index in utf8.count..<raw.count { raw[index] = 0 }
        }
    }

    /// Reads a NUL-terminated string from a fixed-size C character array; stops at the end of
    /// the array when no NUL is there.
    public static func read<Storage>(from storage: Storage) -> String {
        withUnsafeBytes(of: storage) { raw in
            let end = raw.firstIndex(of: 0) ?? raw.count
            return String(decoding: raw[..<end], as: UTF8.self)
        }
    }
}
