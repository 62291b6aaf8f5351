import Foundation
import Testing

/// The kernel's view of a process: its scheduling policy (reset-on-fork flag removed) and
/// real-time priority; nil when it is gone.
func scheduling(of pid: Int32) -> (policy: Int32, priority: Int32)? {
    let policy = sched_getscheduler(pid)
    var parameter = sched_param()
    guard policy >= 0, sched_getparam(pid, &parameter) == 0 else { return nil }
    return (policy & ~0x4000_0000, parameter.sched_priority)
}

/// `VmLck` of /proc/PID/status in KiB; nil when it cannot be read.
func lockedKiB(of pid: Int32) -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmLck:") }
    return line.flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") }
}

extension NamespaceSuites {
    @Suite("vrrp_rt_priority and vrrp_no_swap: the kernel schedules the daemon SCHED_RR and keeps it in memory", .serialized)
    struct RealtimeTests {
        func config(_ lab: NetworkLab, realtime: Int, notify: String = "") -> String {
            lab.config(priority: 200, extra: notify, checks: "global_defs {\n    vrrp_rt_priority \(realtime)\n    vrrp_no_swap\n}\n")
        }

        @Test("vrrp_rt_priority 20 + vrrp_no_swap: SCHED_RR 20 and VmLck > 0 as the kernel reports them, status says so, scripts run SCHED_OTHER; a reload to 30 applies")
        func realtimeAndLocked() throws {
            guard let lab = openLab(tag: "rt", subnet: 70, nodes: 1) else { return }
            defer { lab.tearDown() }
            let policyFile = lab.directory + "/notify.sched"
            let notify = "    notify_master \"/bin/sh -c 'grep ^policy /proc/self/sched > \(policyFile)'\"\n"
            let pid = lab.startVipkeeper(node: 0, config: config(lab, realtime: 20, notify: notify))
            #expect(waitUntil(timeout: masterDown(200) + 2) { lab.holders() == [0] } != nil, "\(lab.log("node0.log"))")
            #expect(kill(pid, 0) == 0, "the daemon exited: \(lab.log("node0.log"))")
            let kernel = try #require(scheduling(of: pid), "cannot read the daemon's scheduling")
            #expect(kernel.policy == SCHED_RR && kernel.priority == 20, "policy \(kernel.policy) priority \(kernel.priority)")
            let locked = lockedKiB(of: pid) ?? 0
            #expect(locked > 0, "VmLck \(locked) kB: \(lab.log("node0.log"))")
            print("measured: vrrp_no_swap: VmLck \(locked) kB")

            let report = try #require(lab.report(0)?["scheduling"] as? [String: Any], "no scheduling in status")
            #expect(report["policy"] as? String == "SCHED_RR" && report["realtimePriority"] as? Int == 20, "\(report)")
            #expect(report["memoryLocked"] as? Bool == true && report["realtimeTimeLimit"] as? Int == 10_000, "\(report)")
            #expect((report["problems"] as? [Any])?.isEmpty == true && report["failures"] as? Int == 0, "\(report)")
            let table = Shell.run("\(NetworkLab.vipkeeper) status --socket \(lab.socket(0))")
            #expect(table.status == 0 && table.output.contains("scheduling: SCHED_RR 20, RLIMIT_RTTIME 10000 µs, memory locked"), "\(table.output)")

            // SCHED_RESET_ON_FORK: the notify script does not inherit real-time.
            #expect(waitUntil(timeout: 5) { (try? String(contentsOfFile: policyFile, encoding: .utf8)) != nil } != nil)
            let child = (try? String(contentsOfFile: policyFile, encoding: .utf8)) ?? ""
            #expect(child.split(separator: ":").last?.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "notify script: \(child)")

            _ = lab.write("node0.conf", config(lab, realtime: 30, notify: notify))
            kill(pid, SIGHUP)
            let raised = waitUntil(timeout: 5) { scheduling(of: pid).map { $0.policy == SCHED_RR && $0.priority == 30 } ?? false }
            #expect(raised != nil, "after the reload: \(String(describing: scheduling(of: pid))): \(lab.log("node0.log"))")
            #expect(lab.holders() == [0])
        }

        @Test("max_auto_priority 2, min_auto_priority_delay 100 ms: a turn run late (the daemon stopped 1.5 s) switches to SCHED_RR 1, the next to 2, then no further")
        func autoPriority() throws {
            guard let lab = openLab(tag: "rt", subnet: 72, nodes: 1) else { return }
            defer { lab.tearDown() }
            let globals = "global_defs {\n    max_auto_priority 2\n    min_auto_priority_delay 100000\n}\n"
            let pid = lab.startVipkeeper(node: 0, config: lab.config(priority: 200, checks: globals))
            #expect(waitUntil(timeout: masterDown(200) + 2) { lab.holders() == [0] } != nil, "\(lab.log("node0.log"))")
            #expect(scheduling(of: pid)?.policy == SCHED_OTHER)
            for expected: Int32 in [1, 2, 2] {
                // Stopped past its next advert (1 s): the first turn after SIGCONT runs late.
                kill(pid, SIGSTOP)
                usleep(1_500_000)
                kill(pid, SIGCONT)
                let reached = waitUntil(timeout: 3) { scheduling(of: pid).map { $0.policy == SCHED_RR && $0.priority == expected } ?? false }
                #expect(reached != nil, "wanted SCHED_RR \(expected), have \(String(describing: scheduling(of: pid))): \(lab.log("node0.log"))")
            }
            let report = try #require(lab.report(0)?["scheduling"] as? [String: Any], "no scheduling in status")
            #expect(report["lateTurns"] as? Int == 3 && report["autoRaises"] as? Int == 2, "\(report)")
            #expect(report["realtimeTimeLimit"] as? Int == 10_000, "RLIMIT_RTTIME set on the switch to real-time: \(report)")
            #expect(lab.log("node0.log").contains("raising it to SCHED_RR 1 (max_auto_priority 2)"), "\(lab.log("node0.log"))")
            #expect(lab.holders() == [0])
        }

        @Test("without CAP_SYS_NICE and CAP_IPC_LOCK (a restricted unit): the daemon runs and holds its VIP; status lists both settings as not in force, degraded")
        func refused() throws {
            guard let lab = openLab(tag: "rt", subnet: 71, nodes: 1) else { return }
            defer { lab.tearDown() }
            let launcher = ["prlimit", "--rtprio=0:0", "--memlock=65536:65536", "--",
                            "setpriv", "--inh-caps=-sys_nice,-ipc_lock", "--bounding-set=-sys_nice,-ipc_lock", "--"]
            let pid = lab.startVipkeeper(node: 0, config: config(lab, realtime: 20), launcher: launcher)
            #expect(waitUntil(timeout: masterDown(200) + 2) { lab.holders() == [0] } != nil, "\(lab.log("node0.log"))")
            #expect(kill(pid, 0) == 0, "the daemon exited: \(lab.log("node0.log"))")
            let kernel = try #require(scheduling(of: pid))
            #expect(kernel.policy == SCHED_OTHER, "policy \(kernel.policy)")
            let report = try #require(lab.report(0)?["scheduling"] as? [String: Any], "no scheduling in status")
            #expect(report["policy"] as? String == "SCHED_OTHER" && report["memoryLocked"] as? Bool == false, "\(report)")
            #expect(report["wanted"] as? String == "SCHED_RR 20", "\(report)")
            let problems = (report["problems"] as? [[String: Any]]) ?? []
            #expect(Set(problems.compactMap { $0["setting"] as? String }) == ["vrrp_rt_priority 20", "vrrp_no_swap"], "\(report)")
            let table = Shell.run("\(NetworkLab.vipkeeper) status --socket \(lab.socket(0))")
            #expect(table.status == 1, "degraded: \(table.output)")
            #expect(table.output.contains("vrrp_rt_priority 20 NOT IN FORCE") && table.output.contains("CAP_SYS_NICE"), "\(table.output)")
            let log = lab.log("node0.log")
            #expect(log.components(separatedBy: "vrrp_rt_priority 20 is not in force").count == 2, "logged once: \(log)")
            #expect(log.contains("vrrp_no_swap is not in force"), "\(log)")
        }
    }
}
