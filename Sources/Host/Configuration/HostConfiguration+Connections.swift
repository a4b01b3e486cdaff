import Foundation

extension HostConfiguration {
    /// The connection limit a host uses when `maxConnections` is not set, for a process that may
    /// open `descriptorLimit` files.
    ///
    /// Each connection holds one descriptor; the rest of the limit is kept for everything else the
    /// host opens: standard streams, the listening socket, three per event loop (one loop per core),
    /// plugins, Lua extension libraries and the files they read. That reserve is a quarter of the
    /// limit, so that it grows with the machine, but at least 64 and at most half the limit:
    /// 1024 descriptors allow 768 connections, 256 allow 192, 128 allow 64.
    public static func maxConnections(descriptorLimit: Int) -> Int {
        let reserve = min(max(64, descriptorLimit / 4), descriptorLimit / 2)
        return max(descriptorLimit - reserve, 1)
    }

    /// The process's descriptor limit: its soft `RLIMIT_NOFILE`.
    public static var descriptorLimit: Int {
        var limit = rlimit()
        #if os(Linux)
            let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        #else
            let resource = RLIMIT_NOFILE
        #endif
        guard getrlimit(resource, &limit) == 0 else { return 1024 }
        return Int(clamping: limit.rlim_cur)
    }
}
