/// keepalived's process-scheduling globals for its VRRP process (global_parser.c), which in
/// vipkeeper tune its one process. Ranges and defaults are keepalived's; where keepalived
/// reports a value out of range and clamps it, vipkeeper reports an error (as `keepalived -t`
/// fails on it).
extension ConfigurationReader {
    static func schedulingKeywords(_ table: inout KeywordTable<GlobalDefinitions>) {
        table.statement("vrrp_rt_priority") { globals, statement, log in
            if let value = statement.integer(in: SchedulingSettings.realtimePriorities, log: &log) {
                globals.scheduling.realtimePriority = value
            }
        }
        for keyword in ["vrrp_rlimit_rttime", "vrrp_rlimit_rtime"] {
            table.statement(keyword) { globals, statement, log in
                if keyword == "vrrp_rlimit_rtime" {
                    log.warning(statement.location, "`vrrp_rlimit_rtime` is keepalived's old spelling of `vrrp_rlimit_rttime` (deprecated since 2020); read as that")
                }
                guard let value = statement.integer(in: 1...Int(UInt32.max), log: &log) else { return }
                // keepalived: the soft limit is half of it and must not be 0, so 1 means 2.
                globals.scheduling.realtimeTimeLimit = max(2, value)
            }
        }
        table.statement("max_auto_priority") { globals, statement, log in
            // Without a value: the highest SCHED_RR priority (keepalived.conf(5)).
            if statement.arguments.isEmpty {
                globals.scheduling.maxAutoPriority = SchedulingSettings.realtimePriorities.upperBound
            } else if let value = statement.integer(in: -1...SchedulingSettings.realtimePriorities.upperBound, log: &log) {
                globals.scheduling.maxAutoPriority = value
            }
        }
        table.statement("min_auto_priority_delay") { globals, statement, log in
            if let value = statement.integer(in: 1...10_000_000, log: &log) {
                globals.scheduling.minAutoPriorityDelay = .microseconds(value)
            }
        }
        table.statement("vrrp_priority") { globals, statement, log in
            if let value = statement.integer(in: -20...19, log: &log) { globals.scheduling.nice = value }
        }
        table.statement("vrrp_no_swap") { globals, statement, log in
            statement.ignoringArguments(log: &log)
            globals.scheduling.lockMemory = true
        }
        table.statement("vrrp_cpu_affinity") { globals, statement, log in
            guard statement.expectArguments(1...1024, "one or more CPU numbers", log: &log) else { return }
            var cpus: [Int] = []
            for token in statement.arguments {
                // CPU_SETSIZE: the kernel's affinity mask holds CPUs 0 to 1023.
                guard let cpu = Statement.integer(token, in: 0...1023, keyword: statement.name, log: &log) else { return }
                if !cpus.contains(cpu) { cpus.append(cpu) }
            }
            globals.scheduling.cpuAffinity = cpus
        }
    }
}
