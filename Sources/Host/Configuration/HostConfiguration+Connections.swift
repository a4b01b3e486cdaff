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

    /// The per-address connection limit a host uses when `maxConnectionsPerAddress` is not set:
    /// a quarter of `maxConnections` (192 of 768), so that one client, or one test runner on
    /// loopback, cannot fill the host.
    public static func maxConnectionsPerAddress(maxConnections: Int) -> Int {
        max(1, maxConnections / 4)
    }

    /// The buffered-bytes bound a host uses when `maxBufferedBytes` is not set: a quarter of the
    /// memory the process may use (the machine's, or its control group's limit when lower), and
    /// at least 64 MiB.
    public static var defaultMaxBufferedBytes: Int {
        max(64 << 20, usableMemory / 4)
    }

    /// The memory the process may use: physical memory, or the cgroup v2 limit when it is lower.
    static var usableMemory: Int {
        let pages = sysconf(Int32(_SC_PHYS_PAGES))
        let pageSize = sysconf(Int32(_SC_PAGESIZE))
        var memory = pages > 0 && pageSize > 0 ? pages.multipliedReportingOverflow(by: pageSize).partialValue : 8 << 30
        if let text = try? String(contentsOfFile: "/sys/fs/cgroup/memory.max", encoding: .utf8),
            let limit = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), limit > 0
        {
            memory = min(memory, limit)
        }
        return memory
    }
}
