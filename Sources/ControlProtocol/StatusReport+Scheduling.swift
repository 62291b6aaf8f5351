extension StatusReport {
    /// How the kernel schedules the daemon's event loop, read from the kernel when the report
    /// is made (so nothing the kernel refused is shown as done), and what was asked of it.
    public struct Scheduling: Codable, Sendable, Hashable {
        /// `SCHED_OTHER`, `SCHED_RR`, ... as sched_getscheduler(2) reports it now.
        public var policy: String
        /// The real-time priority now (0 under SCHED_OTHER).
        public var realtimePriority: Int
        /// What the daemon asks for now: `SCHED_RR 20`, or `SCHED_OTHER`.
        public var wanted: String
        /// The nice value now.
        public var nice: Int
        /// mlockall(2) succeeded and is in force (`vrrp_no_swap`).
        public var memoryLocked: Bool
        /// The RLIMIT_RTTIME hard limit the daemon set, in microseconds; nil when it set none.
        public var realtimeTimeLimit: Int?
        /// The CPUs the daemon pinned itself to (`vrrp_cpu_affinity`); empty: any.
        public var cpuAffinity: [Int]
        /// Times the event loop ran later than `min_auto_priority_delay` after a timer was due.
        public var lateTurns: Int
        /// Of those, the times it raised its priority (`max_auto_priority`).
        public var autoRaises: Int
        /// How late the latest late turn ran, in seconds.
        public var lastLatenessSeconds: Double?
        /// System calls refused since the start (EPERM under a unit that forbids them, ...).
        public var failures: Int
        /// What is asked but not in force, each with the kernel's answer.
        public var problems: [Problem]

        public struct Problem: Codable, Sendable, Hashable {
            /// The keyword whose effect is missing: `vrrp_rt_priority 20`, `vrrp_no_swap`.
            public var setting: String
            /// The call and the kernel's answer, with what to change.
            public var error: String
            /// Refusals of this setting since the start.
            public var count: Int

            public init(setting: String, error: String, count: Int) {
                self.setting = setting
                self.error = error
                self.count = count
            }
        }

        public init(policy: String, realtimePriority: Int, wanted: String, nice: Int, memoryLocked: Bool, realtimeTimeLimit: Int?,
                    cpuAffinity: [Int], lateTurns: Int, autoRaises: Int, lastLatenessSeconds: Double?, failures: Int, problems: [Problem]) {
            self.policy = policy
            self.realtimePriority = realtimePriority
            self.wanted = wanted
            self.nice = nice
            self.memoryLocked = memoryLocked
            self.realtimeTimeLimit = realtimeTimeLimit
            self.cpuAffinity = cpuAffinity
            self.lateTurns = lateTurns
            self.autoRaises = autoRaises
            self.lastLatenessSeconds = lastLatenessSeconds
            self.failures = failures
            self.problems = problems
        }
    }
}
