import Glibc

/// The `process_*` series every Prometheus client library exports (CPU, memory, descriptors,
/// start time), read from /proc/self at each scrape, so the dashboards and alerts written for
/// any other exporter's process work for vipkeeper's.
struct ProcessMetrics: Hashable, Sendable {
    /// User and system CPU time since the process started.
    var cpuSeconds: Double
    var residentBytes: Int
    var virtualBytes: Int
    var openDescriptors: Int
    /// The soft RLIMIT_NOFILE.
    var maximumDescriptors: Int
    /// Unix time the process started.
    var startTime: Double

    /// This process now; nil when /proc is not mounted or unreadable.
    static func current() -> ProcessMetrics? {
        guard let stat = ProcFile.contents("/proc/self/stat", limit: 1024),
              let fields = fieldsAfterName(stat), fields.count > 21,
              let utime = Double(fields[11]), let stime = Double(fields[12]), let startTicks = Double(fields[19]),
              let virtual = Int(fields[20]), let residentPages = Int(fields[21]),
              let bootTime = bootTime(), let openDescriptors = openDescriptorCount() else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        var limit = rlimit()
        let maximum = getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 && limit.rlim_cur < rlim_t(Int.max) ? Int(limit.rlim_cur) : -1
        return ProcessMetrics(cpuSeconds: (utime + stime) / ticks, residentBytes: residentPages * Int(sysconf(Int32(_SC_PAGESIZE))),
                              virtualBytes: virtual, openDescriptors: openDescriptors, maximumDescriptors: maximum,
                              startTime: bootTime + startTicks / ticks)
    }

    /// proc(5) /proc/PID/stat after "PID (COMM) ": the name may hold spaces and parentheses,
    /// so the fields start after the last `)`. Element 0 is field 3 (state).
    static func fieldsAfterName(_ stat: [UInt8]) -> [Substring]? {
        guard let close = stat.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        return String(decoding: stat[(close + 1)...], as: UTF8.self).split(separator: " ")
    }

    /// `btime` of /proc/stat: when the machine booted, in Unix time.
    private static func bootTime() -> Double? {
        guard let stat = ProcFile.contents("/proc/stat", limit: 64 * 1024) else { return nil }
        for line in String(decoding: stat, as: UTF8.self).split(separator: "\n") where line.hasPrefix("btime ") {
            return Double(line.dropFirst(6).trimmingPrefix(" "))
        }
        return nil
    }

    /// The entries of /proc/self/fd, less the descriptor reading them.
    private static func openDescriptorCount() -> Int? {
        guard let directory = opendir("/proc/self/fd") else { return nil }
        defer { closedir(directory) }
        let own = dirfd(directory)
        var count = 0
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
            guard let descriptor = Int32(name), descriptor != own else { continue }
            count += 1
        }
        return count
    }
}
