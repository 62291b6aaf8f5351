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

private func node(_ index: Int, priority: UInt8, preempt: Bool = true, auth: String = "harbor", fastPreempt: Bool = false) -> RouterConfiguration {
    RouterConfiguration(virtualRouterID: 51, basePriority: priority, preempt: preempt, authentication: .password(auth),
                        virtualAddresses: [ClusterScenario.virtualAddress], localAddress: ClusterScenario.address(of: index),
                        fastPreempt: fastPreempt)
}

@Suite("cluster simulator")
struct ClusterSimulatorTests {
    @Test("seeded chaos scenarios converge to one correct Master after healing")
    func seededScenarios() {
        var failures = 0
        var transitions = 0
        var drops = 0
        let all = seeds()
        for seed in all {
            let report = ClusterSimulator.run(.random(seed: seed))
            transitions += report.transitions
            drops += report.drops.values.reduce(0, +)
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
        print("simulator: \(all.count) scenarios, \(transitions) transitions, \(drops) drops, \(failures) failed")
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
            seed: 1, nodes: [node(0, priority: 200), node(1, priority: 100)],
            events: [(.seconds(10), .crash(0)), (.seconds(20), .restart(0))],
            healAt: .seconds(30), maxDelay: .milliseconds(1))
        let report = ClusterSimulator.run(scenario)
        #expect(report.passed, Comment(rawValue: report.failureDescription()))
        let takeover = report.trace.first { $0.contains("n1 BACKUP -> MASTER") }
        // crash at 10 s + MDI(100) 3.609 s, give or take the phase of the last advert (≤ 1 s).
        #expect(takeover.map { $0.hasPrefix("[12.") || $0.hasPrefix("[13.") } == true, "\(takeover ?? "no takeover")")
        #expect(report.trace.contains { $0.contains("n0 BACKUP -> MASTER") && $0.hasPrefix("[23.") })
    }

    @Test("nopreempt: the incumbent keeps the VIP when a higher priority returns")
    func nopreemptIncumbent() {
        let scenario = ClusterScenario(
            seed: 2, nodes: [node(0, priority: 200, preempt: false), node(1, priority: 100, preempt: false)],
            events: [(.seconds(10), .stop(0)), (.seconds(15), .restart(0))],
            healAt: .seconds(20), maxDelay: .milliseconds(1))
        let report = ClusterSimulator.run(scenario)
        #expect(report.passed, Comment(rawValue: report.failureDescription()))
        // Graceful stop: takeover after Skew_Time (0.609 s), not Master_Down_Interval.
        #expect(report.trace.contains { $0.hasPrefix("[10.6") && $0.contains("n1 BACKUP -> MASTER") })
        #expect(report.trace.last { $0.contains("check (settled)") }?.contains("n0=BACKUP n1=MASTER") == true)
    }

    @Test("fast_preempt: a returning or healthier node takes over on the first lower advert, without flapping")
    func fastPreempt() {
        let scenario = ClusterScenario(
            seed: 4, nodes: [node(0, priority: 200, fastPreempt: true), node(1, priority: 100, fastPreempt: true),
                             node(2, priority: 150, fastPreempt: true)],
            events: [(.seconds(10), .crash(0)), (.seconds(20), .restart(0)), (.seconds(30), .setPriority(0, 120)),
                     (.seconds(40), .setPriority(0, 200))],
            healAt: .seconds(50), maxDelay: .milliseconds(1))
        let report = ClusterSimulator.run(scenario)
        #expect(report.passed, Comment(rawValue: report.failureDescription()))
        // Restart at 20 s: node 0 preempts on the first advert of node 2 (within one interval),
        // not after its Master_Down_Interval (3.2 s).
        let back = report.trace.first { $0.contains("n0 BACKUP -> MASTER") && $0.hasPrefix("[20.") }
        #expect(back?.contains("fast preemption") == true, "\(report.trace.filter { $0.contains("n0") })")
        // Priority 120 at 30 s: node 2 (150) takes over on the advert that carries it, at once.
        #expect(report.trace.contains { $0.hasPrefix("[30.0") && $0.contains("n2 BACKUP -> MASTER (fast preemption") })
        // Exactly the expected hand-overs: no flapping between the three.
        let transitionsToMaster = report.trace.filter { $0.contains("-> MASTER") }.count
        #expect(transitionsToMaster == 5, "\(report.trace.filter { $0.contains("->") })")
    }

    @Test("the invariant checker catches a cluster that cannot converge")
    func checkerCanFail() {
        // Mismatched passwords: each drops the other's adverts, so both stay Master forever.
        let scenario = ClusterScenario(
            seed: 3, nodes: [node(0, priority: 200), node(1, priority: 100, auth: "other")],
            events: [], healAt: .seconds(5), maxDelay: .milliseconds(1))
        let report = ClusterSimulator.run(scenario)
        #expect(!report.passed)
        #expect(report.violations.contains { $0.contains("expected exactly one Master") })
        #expect(report.drops["auth_failure", default: 0] > 0)
    }
}
