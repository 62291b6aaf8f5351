import Testing
@testable import Config

/// keepalived's process-scheduling globals (issue 17): keepalived.conf(5) and global_parser.c
/// give the ranges and defaults; vipkeeper's one process takes the `vrrp_*` forms.
@Suite("scheduling keywords: vrrp_rt_priority, vrrp_rlimit_rttime, max_auto_priority, vrrp_priority, vrrp_no_swap, vrrp_cpu_affinity")
struct SchedulingKeywordTests {
    let config = TemporaryConfig()

    func globals(_ lines: String) -> (SchedulingSettings?, [String]) {
        let result = config.load("global_defs {\n" + lines + "\n}\n" + minimalInstance)
        return (result.configuration?.globals.scheduling, short(result.diagnostics))
    }

    @Test("keepalived's defaults: no real-time, RLIMIT_RTTIME 10000 µs, auto priority off, 1 s delay, no nice, no lock, any CPU")
    func defaults() throws {
        let (settings, diagnostics) = globals("    router_id x")
        let value = try #require(settings)
        #expect(diagnostics == [])
        #expect(value.realtimePriority == nil && value.realtimeTimeLimit == 10_000 && value.maxAutoPriority == 0)
        #expect(value.minAutoPriorityDelay == .seconds(1) && value.nice == nil && !value.lockMemory && value.cpuAffinity.isEmpty)
        #expect(value.isDefault && value.autoPriorityCeiling == 0)
    }

    @Test("every keyword read with its value; none is ignored any more")
    func values() throws {
        let result = config.load("""
        global_defs {
            vrrp_rt_priority 20
            vrrp_rlimit_rttime 20000
            max_auto_priority 30
            min_auto_priority_delay 250000
            vrrp_priority -5
            vrrp_no_swap
            vrrp_cpu_affinity 1 0 1
        }

        """ + minimalInstance)
        let value = try #require(result.configuration?.globals.scheduling, "\(short(result.diagnostics))")
        #expect(short(result.diagnostics) == [])
        #expect(result.ignoredKeywords.isEmpty)
        #expect(value.realtimePriority == 20 && value.realtimeTimeLimit == 20_000 && value.maxAutoPriority == 30)
        #expect(value.minAutoPriorityDelay == .milliseconds(250) && value.nice == -5 && value.lockMemory)
        #expect(value.cpuAffinity == [1, 0], "duplicates are dropped, order kept")
    }

    @Test("max_auto_priority: without a value the highest SCHED_RR priority (99); -1 and 0 turn raising off")
    func maxAutoPriority() throws {
        #expect(globals("    max_auto_priority").0?.maxAutoPriority == 99)
        #expect(globals("    max_auto_priority -1").0?.autoPriorityCeiling == 0)
        #expect(globals("    max_auto_priority 0").0?.autoPriorityCeiling == 0)
        #expect(globals("    max_auto_priority 99").0?.autoPriorityCeiling == 99)
        #expect(globals("    max_auto_priority 100").1 == ["2:23: error: `max_auto_priority` expects a whole number from -1 to 99, got `100`"])
        #expect(globals("    max_auto_priority -2").1 == ["2:23: error: `max_auto_priority` expects a whole number from -1 to 99, got `-2`"])
    }

    @Test("ranges: errors at the value's file:line:col (keepalived -t fails on them too)")
    func ranges() {
        #expect(globals("    vrrp_rt_priority 0").1 == ["2:22: error: `vrrp_rt_priority` expects a whole number from 1 to 99, got `0`"])
        #expect(globals("    vrrp_rt_priority 100").1 == ["2:22: error: `vrrp_rt_priority` expects a whole number from 1 to 99, got `100`"])
        #expect(globals("    vrrp_rt_priority high").1 == ["2:22: error: `vrrp_rt_priority` expects a whole number from 1 to 99, got `high`"])
        #expect(globals("    vrrp_rt_priority").1 == ["2:5: error: `vrrp_rt_priority` expects a whole number from 1 to 99"])
        #expect(globals("    vrrp_priority -21").1 == ["2:19: error: `vrrp_priority` expects a whole number from -20 to 19, got `-21`"])
        #expect(globals("    vrrp_priority 20").1 == ["2:19: error: `vrrp_priority` expects a whole number from -20 to 19, got `20`"])
        #expect(globals("    min_auto_priority_delay 0").1 == ["2:29: error: `min_auto_priority_delay` expects a whole number from 1 to 10000000, got `0`"])
        #expect(globals("    min_auto_priority_delay 10000001").1.first?.hasPrefix("2:29: error:") == true)
        #expect(globals("    vrrp_rlimit_rttime 0").1 == ["2:24: error: `vrrp_rlimit_rttime` expects a whole number from 1 to 4294967295, got `0`"])
        #expect(globals("    vrrp_cpu_affinity 0 x").1 == ["2:25: error: `vrrp_cpu_affinity` expects a whole number from 0 to 1023, got `x`"])
        #expect(globals("    vrrp_cpu_affinity 1024").1.first?.hasPrefix("2:23: error:") == true)
        #expect(globals("    vrrp_cpu_affinity").1 == ["2:5: error: `vrrp_cpu_affinity` expects one or more CPU numbers"])
    }

    @Test("vrrp_rlimit_rttime: 1 means 2 (keepalived halves it for the soft limit); the old spelling vrrp_rlimit_rtime is read, with a warning")
    func realtimeTimeLimit() throws {
        #expect(globals("    vrrp_rlimit_rttime 1").0?.realtimeTimeLimit == 2)
        let (settings, diagnostics) = globals("    vrrp_rlimit_rtime 5000")
        #expect(settings?.realtimeTimeLimit == 5000)
        #expect(diagnostics == ["2:5: warning: `vrrp_rlimit_rtime` is keepalived's old spelling of `vrrp_rlimit_rttime` (deprecated since 2020); read as that"])
    }

    @Test("vrrp_no_swap takes effect whatever follows it, as keepalived (an argument is warned about)")
    func noSwap() {
        let (settings, diagnostics) = globals("    vrrp_no_swap off")
        #expect(settings?.lockMemory == true)
        #expect(diagnostics.count == 1 && diagnostics[0].hasPrefix("2:18: warning: keepalived ignores what follows `vrrp_no_swap`"), "\(diagnostics)")
    }

    @Test("checker_* and bfd_* tune keepalived's other processes: ignored, each with a warning naming the process and the vrrp_ form")
    func otherProcesses() {
        let result = config.load("global_defs {\n    checker_rt_priority 20\n    bfd_no_swap\n    checker_priority -5\n}\n" + minimalInstance)
        #expect(short(result.diagnostics) == [
            "2:5: warning: `checker_rt_priority` tunes keepalived's checker process (LVS health checks), which vipkeeper does not have; vipkeeper is one process (its checks and scripts included), tuned by `vrrp_rt_priority`; ignored",
            "3:5: warning: `bfd_no_swap` tunes keepalived's BFD process, which vipkeeper does not have; vipkeeper is one process (its checks and scripts included), tuned by `vrrp_no_swap`; ignored",
            "4:5: warning: `checker_priority` tunes keepalived's checker process (LVS health checks), which vipkeeper does not have; vipkeeper is one process (its checks and scripts included), tuned by `vrrp_priority`; ignored",
        ])
        #expect(result.ignoredKeywords.map(\.keyword) == ["bfd_no_swap", "checker_priority", "checker_rt_priority"])
        #expect(result.configuration?.globals.scheduling.isDefault == true)
    }
}
