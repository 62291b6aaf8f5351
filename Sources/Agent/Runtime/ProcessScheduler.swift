import CLinux
import Config
import ControlProtocol
import Logging
import Node
import VRRP
#if canImport(Glibc)
import Glibc
#endif

/// Makes the system calls behind keepalived's scheduling globals for the event loop's thread
/// (`vrrp_rt_priority`, `vrrp_rlimit_rttime`, `vrrp_priority`, `vrrp_no_swap`,
/// `vrrp_cpu_affinity`) and behind `max_auto_priority` when a turn ran late. What to ask is
/// decided by `AutoPriority`; this only asks, and remembers what the kernel granted.
///
/// A refused call (EPERM under a unit that restricts real-time, no CAP_IPC_LOCK, ...) is logged
/// once per setting and reason, counted, and listed in `status` as a setting not in force; the
/// daemon runs on as it was. `status` reads the policy back from the kernel, so nothing refused
/// is ever shown as done.
final class ProcessScheduler {
    /// One thing the daemon asks of the kernel, for its bookkeeping of refusals.
    enum Request: Hashable {
        case policy, timeLimit, nice, lockMemory, cpuAffinity
    }

    private struct Problem {
        var setting: String
        var error: String
        var count: Int
    }

    /// keepalived's VRRP_STACK_SIZE: the stack made resident once memory is locked.
    private static let stackReserve = 32_768

    private let logger: Logger
    private(set) var settings = SchedulingSettings()
    /// What the daemon asks for now (the kernel may have refused it: `granted`).
    private(set) var wanted: SchedulingPolicy = .normal
    /// The policy the kernel last accepted from the daemon (the inherited one at start).
    private(set) var granted: SchedulingPolicy = .normal
    private var timeLimit: Int?
    private var niceSet: Int?
    private var originalNice: Int32?
    private var memoryLocked = false
    private var affinity: [Int] = []
    private var problems: [Request: Problem] = [:]
    /// (request, errno) pairs already logged.
    private var logged: Set<String> = []
    private var failures = 0
    private var lateTurns = 0
    private var autoRaises = 0
    private var lastLateness: Duration?

    init(logger: Logger) {
        self.logger = logger
    }

    // MARK: - Deciding when

    /// At start (`reload: false`) or after a reload: applies what `new` asks that is not in
    /// force. With nothing configured at start, the inherited scheduling is left alone.
    func configure(_ new: SchedulingSettings, reload: Bool) {
        let previous = settings
        settings = new
        let policy = AutoPriority(new)
        if !reload && new.isDefault { return }
        // Memory first, outside real-time: mlockall walks every mapping and the stack reserve is
        // made resident, work whose length the daemon does not bound; under SCHED_RR it would
        // count against RLIMIT_RTTIME, whose hard limit (10 ms) ends in SIGKILL.
        withoutRealtime { applyMemoryLock(new.lockMemory) }
        let target = reload ? policy.afterReload(current: granted, previous: previous) : policy.initial
        if target != granted || (target.isRealtime && timeLimit != new.realtimeTimeLimit) {
            let setting = !target.isRealtime ? "SCHED_OTHER (vrrp_rt_priority removed)"
                : new.realtimePriority == target.realtimePriority ? "vrrp_rt_priority \(target.realtimePriority)"
                : "max_auto_priority \(new.autoPriorityCeiling)"
            apply(target, setting: setting)
        } else {
            wanted = target
            problems[.policy] = nil
        }
        applyNice(policy.nice)
        applyAffinity(new.cpuAffinity)
    }

    /// After a turn of the event loop that ran `lateness` after its earliest timer was due.
    func turnRan(lateness: Duration) {
        guard lateness > settings.minAutoPriorityDelay else { return }
        lateTurns += 1
        lastLateness = lateness
        let late = "\(Int((lateness.secondsValue * 1000).rounded())) ms"
        guard let next = AutoPriority(settings).afterTurn(lateness: lateness, current: granted) else {
            let why = settings.autoPriorityCeiling == 0 ? "max_auto_priority would raise its priority" : "already at max_auto_priority \(settings.autoPriorityCeiling)"
            logger.warning("the event loop ran \(late) after a timer was due (\(why))")
            return
        }
        logger.warning("the event loop ran \(late) after a timer was due: raising it to \(next) (max_auto_priority \(settings.autoPriorityCeiling))")
        if apply(next, setting: "max_auto_priority \(settings.autoPriorityCeiling)") { autoRaises += 1 }
    }

    /// Runs `body` at SCHED_OTHER when the loop runs real-time, then goes back: work whose
    /// length the daemon does not bound (a dump of the node's TCP sockets) is then neither
    /// counted against RLIMIT_RTTIME nor ahead of other real-time work on the CPU.
    func withoutRealtime(_ body: () -> Void) {
        guard granted.isRealtime else { return body() }
        let dropped = vk_sched_set(0) == 0
        body()
        guard dropped else { return }
        let code = vk_sched_set(Int32(granted.realtimePriority))
        if code != 0 {
            granted = .normal
            refused(.policy, setting: "vrrp_rt_priority \(wanted.realtimePriority)", call: "sched_setscheduler(\(wanted))", code: code)
        }
    }

    // MARK: - Asking

    /// SCHED_RR (reset on fork) at the target's priority, or back to SCHED_OTHER; with
    /// real-time, RLIMIT_RTTIME as keepalived sets it (soft limit half the hard one).
    @discardableResult
    private func apply(_ target: SchedulingPolicy, setting: String) -> Bool {
        wanted = target
        if target != granted {
            let code = vk_sched_set(Int32(target.realtimePriority))
            guard code == 0 else {
                refused(.policy, setting: setting, call: "sched_setscheduler(\(target))", code: code)
                return false
            }
            granted = target
            problems[.policy] = nil
            logger.info("scheduling: \(target)\(target.isRealtime ? " (reset on fork: scripts run SCHED_OTHER)" : "")")
        }
        if target.isRealtime && timeLimit != settings.realtimeTimeLimit {
            let limit = settings.realtimeTimeLimit
            let code = vk_rttime_limit(UInt(limit / 2), UInt(limit))
            if code == 0 {
                timeLimit = limit
                problems[.timeLimit] = nil
                logger.info("RLIMIT_RTTIME \(limit / 2)/\(limit) µs (vrrp_rlimit_rttime): SIGXCPU at the first, SIGKILL at the second without blocking")
            } else {
                refused(.timeLimit, setting: "vrrp_rlimit_rttime \(limit)", call: "setrlimit(RLIMIT_RTTIME, \(limit) µs)", code: code)
            }
        }
        return true
    }

    private func applyNice(_ nice: Int?) {
        guard nice != niceSet else { return }
        if originalNice == nil { originalNice = vk_get_nice() }
        let value = nice ?? Int(originalNice ?? 0)
        let code = vk_set_nice(Int32(value))
        guard code == 0 else {
            refused(.nice, setting: "vrrp_priority \(value)", call: "setpriority(\(value))", code: code)
            return
        }
        niceSet = nice
        problems[.nice] = nil
        logger.info("nice \(value) (\(nice == nil ? "vrrp_priority removed" : "vrrp_priority"))")
    }

    private func applyMemoryLock(_ lock: Bool) {
        guard lock != memoryLocked else { return }
        let code = lock ? vk_lock_memory(Self.stackReserve) : vk_unlock_memory()
        guard code == 0 else {
            refused(.lockMemory, setting: "vrrp_no_swap", call: lock ? "mlockall" : "munlockall", code: code)
            return
        }
        memoryLocked = lock
        problems[.lockMemory] = nil
        logger.info("\(lock ? "memory locked (vrrp_no_swap): the daemon is never swapped out" : "memory unlocked (vrrp_no_swap removed)")")
    }

    private func applyAffinity(_ cpus: [Int]) {
        guard cpus != affinity else { return }
        // Back to any CPU: every CPU the mask can name (the kernel keeps the ones that exist).
        let mask = cpus.isEmpty ? Array(0..<1024) : cpus
        let code = mask.map(Int32.init).withUnsafeBufferPointer { vk_set_affinity($0.baseAddress, Int32($0.count)) }
        let list = cpus.map(String.init).joined(separator: " ")
        guard code == 0 else {
            refused(.cpuAffinity, setting: "vrrp_cpu_affinity \(list)", call: "sched_setaffinity(\(list))", code: code)
            return
        }
        affinity = cpus
        problems[.cpuAffinity] = nil
        logger.info("CPU affinity: \(cpus.isEmpty ? "any CPU" : "CPU \(list) (vrrp_cpu_affinity)")")
    }

    /// Counts a refusal and lists it; logs it the first time this request fails this way.
    private func refused(_ request: Request, setting: String, call: String, code: Int32) {
        failures += 1
        let error = "\(call): \(errorText(code))" + Self.advice(request, code: code)
        problems[request] = Problem(setting: setting, error: error, count: (problems[request]?.count ?? 0) + 1)
        if logged.insert("\(request)/\(code)").inserted {
            logger.error("\(setting) is not in force: \(error); vipkeeper runs on without it")
        }
    }

    /// What an operator changes so the kernel allows it.
    private static func advice(_ request: Request, code: Int32) -> String {
        switch (request, code) {
        case (.policy, EPERM):
            " (needs CAP_SYS_NICE or a high enough RLIMIT_RTPRIO, and a unit without RestrictRealtime=yes; see vipkeeper.service)"
        case (.timeLimit, EPERM):
            " (raising the hard limit needs CAP_SYS_RESOURCE: restart the daemon to raise it)"
        case (.nice, EACCES), (.nice, EPERM):
            " (a negative nice value needs CAP_SYS_NICE)"
        case (.lockMemory, EPERM):
            " (needs CAP_IPC_LOCK)"
        case (.lockMemory, ENOMEM):
            " (more than RLIMIT_MEMLOCK allows: LimitMEMLOCK=infinity in the unit, or CAP_IPC_LOCK)"
        case (.cpuAffinity, EINVAL):
            " (none of these CPUs is online)"
        case (.policy, _), (.timeLimit, _), (.nice, _), (.lockMemory, _), (.cpuAffinity, _):
            ""
        }
    }

    // MARK: - Reporting

    /// The scheduling as the kernel has it now, with what was asked and refused.
    var status: StatusReport.Scheduling {
        var priority: Int32 = 0
        let policy = vk_sched_get(&priority)
        let names: [Int32: String] = [0: "SCHED_OTHER", 1: "SCHED_FIFO", 2: "SCHED_RR", 3: "SCHED_BATCH", 5: "SCHED_IDLE", 6: "SCHED_DEADLINE"]
        return StatusReport.Scheduling(
            policy: policy < 0 ? "unknown" : names[policy] ?? "policy \(policy)", realtimePriority: Int(priority),
            wanted: wanted.description, nice: Int(vk_get_nice()), memoryLocked: memoryLocked,
            realtimeTimeLimit: timeLimit, cpuAffinity: affinity, lateTurns: lateTurns, autoRaises: autoRaises,
            lastLatenessSeconds: lastLateness?.secondsValue, failures: failures,
            problems: problems.sorted { "\($0.key)" < "\($1.key)" }.map { .init(setting: $0.value.setting, error: $0.value.error, count: $0.value.count) })
    }
}
