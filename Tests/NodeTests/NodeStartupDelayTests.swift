import Node
import Testing
import VRRP

/// keepalived's `vrrp_startup_delay`: the instances start (§6.4.1) that long after the daemon.
@Suite("node: vrrp_startup_delay")
struct NodeStartupDelayTests {
    @Test("no advert, no Master, no VIP before the delay; then a Backup's full Master_Down_Interval; leftovers still go at once")
    func delayedStart() throws {
        let harness = try NodeHarness("global_defs {\n    vrrp_startup_delay 5\n}\n" + instanceText())
        #expect(harness.effects.contains { if case .removeLeftoverAddress = $0 { true } else { false } }, "leftovers go at once")
        #expect(harness.views.first?.state == .initialize)
        #expect(harness.log(containing: "delaying the start of the VRRP instances for 5 s (vrrp_startup_delay)"))
        harness.effects = []
        harness.advance(by: .milliseconds(4_990))
        #expect(harness.views.first?.state == .initialize)
        #expect(harness.sends.isEmpty)
        harness.advance(by: .milliseconds(10))
        #expect(harness.views.first?.state == .backup)
        harness.advance(by: mdi150 - .milliseconds(10))
        #expect(harness.views.first?.state == .backup)
        #expect(harness.kernel.isEmpty)
        harness.advance(by: .milliseconds(10))
        #expect(harness.views.first?.state == .master)
        #expect(harness.kernel == [vip])
    }

    @Test("stopped during the delay: nothing starts afterwards")
    func stoppedDuringDelay() throws {
        let harness = try NodeHarness("global_defs {\n    vrrp_startup_delay 5\n}\n" + instanceText())
        harness.handle(.stop)
        harness.effects = []
        harness.advance(by: .seconds(20))
        #expect(harness.views.first?.state == .initialize)
        #expect(harness.sends.isEmpty)
    }
}
