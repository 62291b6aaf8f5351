/// How the VRRP process asks the kernel to schedule it: keepalived's `vrrp_*` process globals
/// (keepalived.conf(5), "the following options can be used if vrrp, checker or bfd processes
/// are timing out"). vipkeeper is one process, so these tune all of it.
public struct SchedulingSettings: Hashable, Sendable {
    /// `vrrp_rt_priority 1..99`: SCHED_RR at this priority from the start.
    public var realtimePriority: Int?
    /// `vrrp_rlimit_rttime` (old spelling `vrrp_rlimit_rtime`), microseconds [10000]: the CPU
    /// time a real-time process may use without blocking. keepalived sets RLIMIT_RTTIME to it
    /// (soft limit half of it: SIGXCPU, a warning; hard limit: SIGKILL) whenever it runs
    /// real-time, so a runaway loop cannot hang the node.
    public var realtimeTimeLimit: Int = Self.defaultRealtimeTimeLimit
    /// `max_auto_priority [-1..99]` [0]: the highest SCHED_RR priority the process raises
    /// itself to when it runs late. 0 (the default) and -1 turn raising off; the keyword
    /// without a value means 99.
    public var maxAutoPriority: Int = 0
    /// `min_auto_priority_delay` microseconds [1 s]: how late after a timer was due the
    /// event loop must run before it raises its priority.
    public var minAutoPriorityDelay: Duration = .seconds(1)
    /// `vrrp_priority -20..19`: the nice value (keepalived applies it only without
    /// `vrrp_rt_priority`, and so does vipkeeper).
    public var nice: Int?
    /// `vrrp_no_swap`: lock the process in memory (mlockall).
    public var lockMemory = false
    /// `vrrp_cpu_affinity CPU...`: the CPUs the process may run on; empty: any.
    public var cpuAffinity: [Int] = []

    public static let defaultRealtimeTimeLimit = 10_000
    /// sched_get_priority_min / max(SCHED_RR) on Linux.
    public static let realtimePriorities = 1...99

    public init() {}

    /// The highest priority raising may reach; 0 when it is off.
    public var autoPriorityCeiling: Int { max(0, maxAutoPriority) }

    /// Nothing asked of the kernel: the daemon leaves its scheduling as inherited.
    public var isDefault: Bool { self == SchedulingSettings() }
}
