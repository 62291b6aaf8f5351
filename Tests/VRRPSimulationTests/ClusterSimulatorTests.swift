#if canImport(Glibc)
import Glibc
#endif
import Testing
import VRRP
@testable import VRRPSimulation

private func environment(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
}

/// The seeds CI runs: 0..<500 by default; `VK_SIM_SEEDS=N` runs N, `VK_SIM_SEED=S` replays one
/// and prints its whole trace.
private func seeds() -> [UInt64] {
    if let one = environment("VK_SIM_SEED").flatMap(UInt64.init) { return [one] }
    let count = environment("VK_SIM_SEEDS").flatMap(UInt64.init) ?? 500
    return Array(0..<count)
}

private func node(priority: UInt8, preempt: Bool = true, auth: String = "harbor", fastPreempt: Bool = false,
                  check: NodeSetup.Check? = nil) -> NodeSetup {
    var setup = NodeSetup(priority: priority)
    setup.preempt = preempt
    setup.authentication = .password(auth)
    setup.fastPreempt = fastPreempt
    setup.check = check
    return setup
}

@Suite("cluster simulator")
struct ClusterSimulatorTests {
    @Test("seeded chaos scenarios converge to one correct Master after healing")
    func seededScenarios() {
        var failures = 0
        var transitions = 0
        var drops = 0
        var unchecked = 0
        var hostChanges = 0
        let all = seeds()
        for seed in all {
            let report = ClusterSimulator.run(.random(seed: seed))
            transitions += report.transitions
            drops += report.drops.values.reduce(0, +)
            hostChanges += report.hostChanges
            if report.oneMasterChecks == 0 { unchecked += 1 }
            if !report.passed {
                failures += 1
                Issue.record(Comment(rawValue: report.failureDescription()))
                if failures >= 3 { break }
            } else if all.count == 1 {
                print(report.scenario.description)
                print(report.trace.joined(separator: "\n"))
            }
        }
        // The chaos must really have exercised the protocol.
        #expect(transitions > all.count * 2)
        #expect(drops > 0)
        // Seeds whose every node ends faulted check no Master: they must stay the exception,
        // and the host chaos must really have hit running nodes.
        #expect(unchecked * 10 <= all.count, "\(unchecked) of \(all.count) seeds never checked the one-Master invariant")
        #expect(all.count < 50 || hostChanges > all.count / 2)
        print("simulator: \(all.count) scenarios, \(transitions) transitions, \(drops) drops, \(hostChanges) host changes, \(unchecked) without a one-Master check, \(failures) failed")
    }

    @Test("the Master's interface re-created, its MAC changed, its address removed: one holder, announced with the current MAC")
    func hostChanges() {
        let scenario = ClusterScenario(
            seed: 7, nodes: [node(priority: 200), node(priority: 100)],
            events: [(.seconds(8), .recreateInterface(0)), (.seconds(16), .changeMAC(0)), (.seconds(24), .changeMAC(1)),
                     (.seconds(26), .removeSourceAddress(0)), (.seconds(32), .crash(1)), (.seconds(33), .restart(1))],
            healAt: .seconds(40), maxDelay: .milliseconds(1))
        let report = ClusterSimulator.run(scenario)
        #expect(report.passed, Comment(rawValue: report.failureDescription()))
        #expect(report.hostChanges == 4)
        #expect(report.oneMasterChecks == 2)
        #expect(report.trace.contains { $0.contains("n0 [VI_1] eth0 is ifindex") })
        #expect(report.trace.contains { $0.contains("n0 [VI_1] MASTER -> FAULT (fault: no IPv4 address on eth0 to advertise from)") })
    }

    @Test("a seed replays exactly")
    func deterministic() {
        let first = ClusterSimulator.run(.random(seed: 4242))
        let second = ClusterSimulator.run(.random(seed: 4242))
        #expect(first.trace == second.trace)
        #expect(first.trace.count > 10)
    }

    @Test("a crashed Master is replaced within Master_Down_Interval; it comes back and preempts")
    func crashAndReturn() {
        let scenario = ClusterScenario(
            seed: 1, nodes: [node(priority: 200), node(priority: 100)],
            events: [(.seconds(10), .crash(0)), (.seconds(20), .restart(0))],
            healAt: .seconds(30), maxDelay: .milliseconds(1))
        let report = ClusterSimulator.run(scenario)
        #expect(report.passed, Comment(rawValue: report.failureDescription()))
        let takeover = report.trace.first { $0.contains("n1 [VI_1] BACKUP -> MASTER") }
        // crash at 10 s + MDI(100) 3.609 s, give or take the phase of the last advert (≤ 1 s).
        #expect(takeover.map { $0.hasPrefix("[12.") || $0.hasPrefix("[13.") } == true, "\(takeover ?? "no takeover")")
        #expect(report.trace.contains { $0.contains("n0 [VI_1] BACKUP -> MASTER") && $0.hasPrefix("[23.") })
    }

    @Test("VRRPv3 at 10 ms: a crashed Master is replaced within Master_Down_Interval (30 ms + skew); it comes back and preempts")
    func crashAtTenMilliseconds() throws {
        var high = node(priority: 200)
        var low = node(priority: 100)
        high.authentication = .none
        low.authentication = .none
        let scenario = ClusterScenario(
            seed: 1, nodes: [high, low], version: .v3, advertisementInterval: AdvertisementInterval(centiseconds: 1),
            events: [(.seconds(10), .crash(0)), (.seconds(20), .restart(0))],
            healAt: .seconds(30), maxDelay: .microseconds(500))
        let report = ClusterSimulator.run(scenario)
        #expect(report.passed, Comment(rawValue: report.failureDescription()))
        func time(of text: String, after start: Double) -> Double? {
            report.trace.lazy.compactMap { line -> Double? in
                guard line.contains(text), let close = line.firstIndex(of: "s") else { return nil }
                return Double(line.dropFirst().prefix(upTo: close)).flatMap { $0 > start ? $0 : nil }
            }.first
        }
        // The last advert left at most 10 ms before the crash; MDI(100) at 10 ms is 36.09 ms.
        let takeover = try #require(time(of: "n1 [VI_1] BACKUP -> MASTER", after: 10))
        #expect(takeover >= 10.026 && takeover <= 10.037, "took over at \(takeover)")
        // The restarted Master (priority 200) hears n1 within 10 ms and preempts after its own
        // down timer (30 ms + 0.0022 s skew); far under a second.
        let back = try #require(time(of: "n0 [VI_1] BACKUP -> MASTER", after: 20))
        #expect(back < 20.1, "took back at \(back)")
    }

    @Test("nopreempt: the incumbent keeps the VIP when a higher priority returns")
    func nopreemptIncumbent() {
        let scenario = ClusterScenario(
            seed: 2, nodes: [node(priority: 200, preempt: false), node(priority: 100, preempt: false)],
            events: [(.seconds(10), .stop(0)), (.seconds(15), .restart(0))],
            healAt: .seconds(20), maxDelay: .milliseconds(1))
        let report = ClusterSimulator.run(scenario)
        #expect(report.passed, Comment(rawValue: report.failureDescription()))
        // Graceful stop: takeover after Skew_Time (0.609 s), not Master_Down_Interval.
        #expect(report.trace.contains { $0.hasPrefix("[10.6") && $0.contains("n1 [VI_1] BACKUP -> MASTER") })
        #expect(report.trace.last { $0.contains("check (settled)") }?.contains("n0=BACKUP/200 n1=MASTER/100") == true)
    }

    @Test("fast_preempt: a returning or healthier node takes over on the first lower advert, without flapping")
    func fastPreempt() {
        // Node 0's check weighs -80: failing, it advertises 120, below node 2's 150.
        let scenario = ClusterScenario(
            seed: 4, nodes: [node(priority: 200, fastPreempt: true, check: .init(weight: -80, interval: .milliseconds(100))),
                             node(priority: 100, fastPreempt: true), node(priority: 150, fastPreempt: true)],
            events: [(.seconds(10), .crash(0)), (.seconds(20), .restart(0)), (.seconds(30), .setHealth(0, healthy: false)),
                     (.seconds(40), .setHealth(0, healthy: true))],
            healAt: .seconds(50), maxDelay: .milliseconds(1))
        let report = ClusterSimulator.run(scenario)
        #expect(report.passed, Comment(rawValue: report.failureDescription()))
        // Restart at 20 s: node 0 preempts on the first advert of node 2 (within one interval),
        // not after its Master_Down_Interval (3.2 s).
        let back = report.trace.first { $0.contains("n0 [VI_1] BACKUP -> MASTER") && $0.hasPrefix("[20.") }
        #expect(back?.contains("fast preemption") == true, "\(report.trace.filter { $0.contains("n0") })")
        // The check fails at 30 s (seen within 0.1 s): node 2 (150) takes over on the advert that
        // carries 120, at once.
        #expect(report.trace.contains { $0.hasPrefix("[30.") && $0.contains("n2 [VI_1] BACKUP -> MASTER (fast preemption") },
                "\(report.trace.filter { $0.contains("->") })")
        // Exactly the expected hand-overs: no flapping between the three.
        let transitionsToMaster = report.trace.filter { $0.contains("-> MASTER") }.count
        #expect(transitionsToMaster == 5, "\(report.trace.filter { $0.contains("->") })")
    }

    @Test("a virtual address deleted behind a Master's back is put back at once; failed netlink changes are retried, never reported as held")
    func addressFaults() {
        let scenario = ClusterScenario(
            seed: 5, nodes: [node(priority: 200), node(priority: 100)],
            events: [(.seconds(10), .deleteAddresses(0)), (.seconds(15), .netlinkFailing(0, true)), (.seconds(15.5), .deleteAddresses(0)),
                     (.seconds(18), .netlinkFailing(0, false))],
            healAt: .seconds(25), maxDelay: .milliseconds(1))
        let report = ClusterSimulator.run(scenario)
        #expect(report.passed, Comment(rawValue: report.failureDescription()))
        #expect(report.trace.contains { $0.hasPrefix("[10.000s]") && $0.contains("was deleted by someone else while MASTER; adding it back") })
        #expect(report.trace.contains { $0.hasPrefix("[15.500s]") && $0.contains("could not add 10.250.0.100/24 dev eth0") })
        // Netlink works again at 18 s: the next retry (every second) puts it back.
        #expect(report.trace.contains { $0.hasPrefix("[18.500s]") && $0.contains("is on eth0 after 3 failed attempts") },
                "\(report.trace.filter { $0.contains("n0") })")
        // n0 stayed Master all along: no transition after the election.
        #expect(report.trace.filter { $0.contains("-> MASTER") }.count == 1)
    }

    @Test("SIGHUP with the same file changes nothing; with a lower priority the Master restarts as Master, advertising it, and the peer preempts it")
    func reloads() {
        let scenario = ClusterScenario(
            seed: 6, nodes: [node(priority: 200, check: .init(weight: -20, rise: 2, fall: 2)), node(priority: 150)],
            events: [(.seconds(10), .reloadUnchanged(0)), (.seconds(12), .setHealth(0, healthy: false)),
                     (.seconds(16), .reloadUnchanged(0)), (.seconds(20), .reloadPriority(0, 100))],
            healAt: .seconds(30), maxDelay: .milliseconds(1))
        let report = ClusterSimulator.run(scenario)
        #expect(report.passed, Comment(rawValue: report.failureDescription()))
        #expect(report.trace.contains { $0.hasPrefix("[10.000s]") && $0.contains("reload applied: 1 unchanged (VI_1), 0 restarted") })
        // 200 - 20 = 180 > 150: node 0 stays Master through the failing check and the reload.
        #expect(report.trace.contains { $0.hasPrefix("[20.000s]") && $0.contains("reload applied: 0 unchanged, 1 restarted (VI_1)") })
        // No priority-0 advert: n1 discards n0's lower-priority adverts (preempt) and takes over
        // when its Master_Down_Timer (3.414 s) runs out from n0's last advert at 180 (19.001 s);
        // n0 yields as it hears it.
        #expect(report.trace.contains { $0.hasPrefix("[20.000s]") && $0.contains("n0 [VI_1] configuration changed: restarting as MASTER") })
        #expect(report.trace.contains { $0.hasPrefix("[22.415s]") && $0.contains("n1 [VI_1] BACKUP -> MASTER") },
                "\(report.trace.joined(separator: "\n"))")
        #expect(report.trace.contains { $0.hasPrefix("[22.415s]") && $0.contains("n0 [VI_1] MASTER -> BACKUP (higher priority 150") })
        #expect(report.trace.last { $0.contains("check (settled)") }?.contains("n0=BACKUP/80 n1=MASTER/150") == true)
    }

    @Test("a sync group moves together: one member's failing check moves both addresses")
    func syncGroup() {
        var a = node(priority: 200, check: .init(weight: 0))
        a.syncGroup = true
        var b = node(priority: 100)
        b.syncGroup = true
        let scenario = ClusterScenario(seed: 7, nodes: [a, b], events: [(.seconds(10), .setHealth(0, healthy: false))],
                                       healAt: .seconds(20), maxDelay: .milliseconds(1))
        let report = ClusterSimulator.run(scenario)
        #expect(report.passed, Comment(rawValue: report.failureDescription()))
        #expect(report.trace.contains { $0.contains("n0 [VI_2] MASTER -> FAULT (fault: sync group VG_1: VI_1 has chk down)") })
        #expect(report.trace.filter { $0.contains("n1 [VI_") && $0.contains("BACKUP -> MASTER") }.count == 2)
    }

    @Test("the invariant checker catches a cluster that cannot converge")
    func checkerCanFail() {
        // Mismatched passwords: each drops the other's adverts, so both stay Master forever.
        let scenario = ClusterScenario(
            seed: 3, nodes: [node(priority: 200), node(priority: 100, auth: "other")],
            events: [], healAt: .seconds(5), maxDelay: .milliseconds(1))
        let report = ClusterSimulator.run(scenario)
        #expect(!report.passed)
        #expect(report.violations.contains { $0.contains("expected exactly one Master") })
        #expect(report.drops[.authFailure, default: 0] > 0)
    }
}
