import Config

/// Which scheduling the event loop should run under, decided from the configuration and from
/// how late the loop ran: keepalived's `vrrp_rt_priority`, `max_auto_priority` and
/// `min_auto_priority_delay` (keepalived.conf(5); its lib/process.c and lib/scheduler.c).
/// Pure: the daemon measures the lateness and makes the system calls
/// (`Agent/Runtime/ProcessScheduler`).
public struct AutoPriority: Hashable, Sendable {
    public var settings: SchedulingSettings

    public init(_ settings: SchedulingSettings) {
        self.settings = settings
    }

    /// At start: SCHED_RR at `vrrp_rt_priority`, else the time-sharing default.
    public var initial: SchedulingPolicy {
        settings.realtimePriority.map { .roundRobin(priority: $0) } ?? .normal
    }

    /// After a turn of the event loop that ran `lateness` after its earliest timer was due:
    /// the policy to switch to, or nil to stay. keepalived.conf(5): "if it detects that it is
    /// not running sufficiently soon after a timer should expire, increase its priority, first
    /// of all switching to realtime scheduling, and if that is not sufficient, it will then
    /// increase its realtime priority by one each time it detects a further delay in running",
    /// up to `max_auto_priority` (0 or -1: never). Late means later than
    /// `min_auto_priority_delay`.
    public func afterTurn(lateness: Duration, current: SchedulingPolicy) -> SchedulingPolicy? {
        let ceiling = settings.autoPriorityCeiling
        guard ceiling > 0, lateness > settings.minAutoPriorityDelay else { return nil }
        switch current {
        case .normal:
            return .roundRobin(priority: SchedulingSettings.realtimePriorities.lowerBound)
        case .roundRobin(let priority):
            return priority < ceiling ? .roundRobin(priority: priority + 1) : nil
        }
    }

    /// After a reload that changed the settings from `previous` to these: what the new file
    /// asks at start, except that a priority the loop raised itself to is kept while the new
    /// `max_auto_priority` still allows it (a reload is no reason to run late again).
    public func afterReload(current: SchedulingPolicy, previous: SchedulingSettings) -> SchedulingPolicy {
        let asked = initial
        if previous.realtimePriority == settings.realtimePriority, current.realtimePriority > asked.realtimePriority,
           current.realtimePriority <= settings.autoPriorityCeiling {
            return current
        }
        return asked
    }

    /// `vrrp_priority`, applied only when the loop does not run real-time at start (as
    /// keepalived's set_process_priorities: under SCHED_RR a nice value means nothing).
    public var nice: Int? {
        settings.realtimePriority == nil ? settings.nice : nil
    }
}
