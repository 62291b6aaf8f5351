import Config
import Testing
@testable import Node

/// keepalived's automatic priority (keepalived.conf(5) on max_auto_priority; lib/process.c
/// increment_process_priority, lib/scheduler.c): late turns switch to SCHED_RR 1, then +1 per
/// further late turn up to the maximum.
@Suite("auto priority: lateness and the current policy decide the next policy")
struct AutoPriorityTests {
    func settings(realtime: Int? = nil, max: Int = 0, delay: Duration = .seconds(1), nice: Int? = nil) -> SchedulingSettings {
        var settings = SchedulingSettings()
        settings.realtimePriority = realtime
        settings.maxAutoPriority = max
        settings.minAutoPriorityDelay = delay
        settings.nice = nice
        return settings
    }

    @Test("at start: SCHED_RR at vrrp_rt_priority, otherwise SCHED_OTHER")
    func initial() {
        #expect(AutoPriority(settings()).initial == .normal)
        #expect(AutoPriority(settings(realtime: 20)).initial == .roundRobin(priority: 20))
    }

    @Test("max_auto_priority 0 (the default) or -1: never raised, however late")
    func disabled() {
        for max in [0, -1] {
            #expect(AutoPriority(settings(max: max)).afterTurn(lateness: .seconds(30), current: .normal) == nil)
            #expect(AutoPriority(settings(realtime: 5, max: max)).afterTurn(lateness: .seconds(30), current: .roundRobin(priority: 5)) == nil)
        }
    }

    @Test("late by min_auto_priority_delay or less: no change; later: SCHED_RR 1 from SCHED_OTHER")
    func threshold() {
        let policy = AutoPriority(settings(max: 3, delay: .milliseconds(500)))
        #expect(policy.afterTurn(lateness: .milliseconds(499), current: .normal) == nil)
        #expect(policy.afterTurn(lateness: .milliseconds(500), current: .normal) == nil, "keepalived: more than the delay")
        #expect(policy.afterTurn(lateness: .microseconds(500_001), current: .normal) == .roundRobin(priority: 1))
    }

    @Test("each further late turn raises by one up to max_auto_priority, then stays")
    func steps() {
        let policy = AutoPriority(settings(max: 3))
        var current = SchedulingPolicy.normal
        var seen: [SchedulingPolicy] = []
        for _ in 0..<6 {
            if let next = policy.afterTurn(lateness: .seconds(2), current: current) {
                current = next
                seen.append(next)
            }
        }
        #expect(seen == [.roundRobin(priority: 1), .roundRobin(priority: 2), .roundRobin(priority: 3)])
        #expect(policy.afterTurn(lateness: .seconds(2), current: .roundRobin(priority: 3)) == nil)
    }

    @Test("with vrrp_rt_priority the raise starts from it; at or above the maximum it stays")
    func fromRealtime() {
        let policy = AutoPriority(settings(realtime: 20, max: 22))
        #expect(policy.afterTurn(lateness: .seconds(2), current: .roundRobin(priority: 20)) == .roundRobin(priority: 21))
        #expect(AutoPriority(settings(realtime: 20, max: 10)).afterTurn(lateness: .seconds(2), current: .roundRobin(priority: 20)) == nil)
        #expect(AutoPriority(settings(max: 99)).afterTurn(lateness: .seconds(2), current: .roundRobin(priority: 99)) == nil)
    }

    @Test("a reload: the new file's start policy, except a raised priority the new maximum still allows")
    func reload() {
        let raised = SchedulingPolicy.roundRobin(priority: 4)
        // Unchanged file: the raise stays.
        #expect(AutoPriority(settings(max: 5)).afterReload(current: raised, previous: settings(max: 5)) == raised)
        // The new maximum is below the raise: back to what the file asks.
        #expect(AutoPriority(settings(max: 3)).afterReload(current: raised, previous: settings(max: 5)) == .normal)
        // vrrp_rt_priority changed: its value, whatever was raised.
        #expect(AutoPriority(settings(realtime: 10, max: 5)).afterReload(current: raised, previous: settings(max: 5))
            == .roundRobin(priority: 10))
        #expect(AutoPriority(settings(realtime: 30)).afterReload(current: .roundRobin(priority: 20), previous: settings(realtime: 20))
            == .roundRobin(priority: 30))
        // vrrp_rt_priority removed: SCHED_OTHER.
        #expect(AutoPriority(settings()).afterReload(current: .roundRobin(priority: 20), previous: settings(realtime: 20)) == .normal)
    }

    @Test("vrrp_priority (nice) applies only without vrrp_rt_priority, as keepalived")
    func nice() {
        #expect(AutoPriority(settings(nice: -5)).nice == -5)
        #expect(AutoPriority(settings(realtime: 20, nice: -5)).nice == nil)
    }
}
