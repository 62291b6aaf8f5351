import ControlProtocol
import Node
import Testing
import VRRP

/// `track_process`: the runtime counts matching processes; the node judges the quorum and
/// holds a change back for `fork_delay` / `terminate_delay` (keepalived's track_process.c),
/// in virtual time.
@Suite("node: track_process")
struct NodeTrackProcessTests {
    private let processes = """
    vrrp_track_process app {
        process app
        delay 2
    }
    vrrp_track_process workers {
        process worker
        weight 20
        quorum 2
        quorum_max 3
        fork_delay 1
    }

    """
    private let tracking = "    track_process {\n        app\n        workers\n    }\n"

    private func started() throws -> NodeHarness {
        let harness = try NodeHarness(processes + instanceText(extra: tracking), start: false)
        harness.handle(.trackedProcess("app", count: 1, cause: .scan))
        harness.handle(.trackedProcess("workers", count: 2, cause: .scan))
        harness.handle(.start)
        harness.advance(by: mdi150)
        return harness
    }

    @Test("the start counts: none running is FAULT (weight 0), the quorum adds the weight")
    func start() throws {
        let harness = try started()
        #expect(harness.views.first?.state == .master && harness.views.first?.priority == 170)
        let idle = try NodeHarness(processes + instanceText(extra: tracking), start: false)
        idle.handle(.trackedProcess("app", count: 0, cause: .scan))
        idle.handle(.start)
        idle.advance(by: mdi150)
        #expect(idle.views.first?.state == .fault)
    }

    @Test("terminate_delay: an exit leaves the instance alone for the delay, then FAULT; a process back within it never flaps it")
    func terminateDelay() throws {
        let harness = try started()
        harness.handle(.trackedProcess("app", count: 0, cause: .exit))
        #expect(harness.views.first?.state == .master, "held back for the delay")
        harness.advance(by: .milliseconds(1_900))
        #expect(harness.views.first?.state == .master)
        harness.handle(.trackedProcess("app", count: 1, cause: .exec))
        harness.advance(by: .seconds(5))
        #expect(harness.views.first?.state == .master, "restarted within the delay: no flap")
        #expect(!harness.log(containing: "Quorum lost"))
        harness.handle(.trackedProcess("app", count: 0, cause: .exit))
        harness.advance(by: .milliseconds(1_999))
        #expect(harness.views.first?.state == .master)
        harness.advance(by: .milliseconds(1))
        #expect(harness.views.first?.state == .fault)
        #expect(harness.log(containing: "Quorum lost for tracked process app (0 running)"))
        harness.handle(.trackedProcess("app", count: 1, cause: .exec))
        #expect(harness.views.first?.state == .backup, "an exec counts at once")
        let report = harness.node.status(now: harness.now, daemon: DaemonInfo(version: "t", pid: 1, startedAt: .origin, configurationFile: nil,
                                                                               processMonitor: "proc connector"))
        let app = try #require(report.instances.first?.trackers.first { $0.name == "app" })
        #expect(app.kind == "process" && app.count == 1 && app.up && app.value == nil)
        #expect(report.processMonitor == "proc connector")
    }

    @Test("fork_delay: a quorum reached by a fork counts after the delay, one passed by a fork (over quorum_max) is lost after it; an exec counts at once")
    func forkDelay() throws {
        let harness = try started()
        harness.handle(.trackedProcess("workers", count: 1, cause: .exit))
        #expect(harness.views.first?.priority == 150, "no terminate_delay: the weight goes at once")
        harness.handle(.trackedProcess("workers", count: 2, cause: .fork))
        harness.advance(by: .milliseconds(999))
        #expect(harness.views.first?.priority == 150)
        harness.advance(by: .milliseconds(1))
        #expect(harness.views.first?.priority == 170)
        harness.handle(.trackedProcess("workers", count: 3, cause: .fork))
        harness.handle(.trackedProcess("workers", count: 4, cause: .fork))
        #expect(harness.views.first?.priority == 170, "over quorum_max by a fork: held back too")
        harness.handle(.trackedProcess("workers", count: 3, cause: .exit))
        harness.advance(by: .seconds(2))
        #expect(harness.views.first?.priority == 170, "back within the delay: kept")
        harness.handle(.trackedProcess("workers", count: 4, cause: .exec))
        #expect(harness.views.first?.priority == 150, "an exec over quorum_max counts at once")
    }

    @Test("a scan is the truth: it drops a pending delay and judges at once; the same count again does nothing")
    func scan() throws {
        let harness = try started()
        harness.handle(.trackedProcess("app", count: 0, cause: .exit))
        harness.handle(.trackedProcess("app", count: 0, cause: .scan))
        #expect(harness.views.first?.state == .fault)
        harness.effects = []
        harness.handle(.trackedProcess("app", count: 0, cause: .scan))
        harness.advance(by: .seconds(5))
        #expect(harness.effects.isEmpty)
    }
}
