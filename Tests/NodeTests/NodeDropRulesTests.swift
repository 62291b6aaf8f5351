import Config
import ControlProtocol
import Node
import Testing
import VRRP

/// `no_accept` (RFC 5798 §6.4.3 without Accept_Mode, keepalived's nftables drop rules): the
/// rule for an address is in force before the address is added and stays until the kernel
/// shows it gone.
@Suite("node: no_accept drop rules")
struct NodeDropRulesTests {
    private static let dropped = [DroppedAddress(VirtualAddressBinding(
        address: VirtualAddress(address: vip, location: SourceLocation(file: "t", line: 1, column: 1)),
        device: Device(name: "eth0", index: 2, hardwareAddress: [2, 0, 0, 0, 0, 1])))]

    private func index(_ harness: NodeHarness, _ matches: (NodeEffect) -> Bool) -> Int? {
        harness.effects.firstIndex(where: matches)
    }

    /// The address went first, then its rule; neither is left.
    private func expectLiftedAfterRemoval(_ harness: NodeHarness) throws {
        let remove = try #require(index(harness) { if case .removeAddress = $0 { true } else { false } })
        let lifted = try #require(index(harness) { $0 == .dropTraffic([]) })
        #expect(remove < lifted)
        #expect(harness.dropped.isEmpty && harness.kernel.isEmpty)
    }

    private func status(_ harness: NodeHarness) -> StatusReport {
        harness.node.status(now: harness.now, daemon: DaemonInfo(version: "t", pid: 1, startedAt: .origin, configurationFile: nil))
    }

    @Test("a no_accept Master: the start replaces a crashed run's table; the rule goes in before the address, and out after it is gone")
    func takeoverAndRelease() throws {
        let harness = try NodeHarness(instanceText(extra: "    no_accept\n"))
        #expect(harness.effects.contains(.dropTraffic([])), "the first request replaces whatever an earlier run left")
        harness.effects = []
        harness.advance(by: mdi150)
        #expect(harness.views.first?.state == .master)
        let rule = try #require(index(harness) { $0 == .dropTraffic(Self.dropped) })
        let add = try #require(index(harness) { if case .addAddress = $0 { true } else { false } })
        #expect(rule < add)
        #expect(harness.dropped == Self.dropped)
        #expect(harness.kernel == [vip])
        #expect(status(harness).dropRules == StatusReport.DropRules(addresses: ["10.250.1.100"], failures: 0, error: nil))

        harness.effects = []
        harness.receive(priority: 200)
        #expect(harness.views.first?.state == .backup)
        try expectLiftedAfterRemoval(harness)
    }

    @Test("SIGTERM: the addresses go, then the table")
    func stop() throws {
        let harness = try NodeHarness(instanceText(extra: "    no_accept\n"))
        harness.advance(by: mdi150)
        harness.effects = []
        harness.handle(.stop)
        harness.receive(priority: 100)
        harness.advance(by: .milliseconds(100))  // PendingRelease.announcementGrace: no gratuitous ARP seen
        try expectLiftedAfterRemoval(harness)
    }

    @Test("accept, the default, and the address owner (priority 255) never touch nftables")
    func accepting() throws {
        for text in [instanceText(extra: "    accept\n"), instanceText(), instanceText(priority: 255, extra: "    no_accept\n")] {
            let harness = try NodeHarness(text)
            harness.advance(by: mdi150)
            harness.handle(.stop)
            #expect(!harness.effects.contains { if case .dropTraffic = $0 { true } else { false } }, "\(text)")
            #expect(status(harness).dropRules == nil)
        }
    }

    @Test("vrrp_strict without accept drops, as keepalived does")
    func strict() throws {
        let text = """
        global_defs {
            vrrp_strict
        }
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 51
            priority 150
            version 3
            virtual_ipaddress {
                10.250.1.100/24
            }
        }

        """
        let harness = try NodeHarness(text)
        harness.advance(by: mdi150)
        #expect(harness.dropped == Self.dropped)
    }

    @Test("nftables refuses: the address is still held, the failure is logged once, counted, in status and retried every second")
    func refused() throws {
        let harness = try NodeHarness(instanceText(extra: "    no_accept\n"))
        harness.dropRulesFail = true
        harness.effects = []
        harness.advance(by: mdi150)
        #expect(harness.kernel == [vip])
        #expect(harness.logs.filter { $0.contains("could not apply the no_accept drop rules for 1 address: nftables: Operation not permitted; traffic to them is NOT dropped") }.count == 1)
        let report = status(harness)
        #expect(report.dropRules?.error == "nftables: Operation not permitted")
        #expect(report.degradations.contains("the no_accept drop rules cannot be applied: nftables: Operation not permitted"))
        harness.advance(by: .seconds(3))
        #expect(status(harness).dropRules?.failures ?? 0 >= 3)
        #expect(harness.logs.filter { $0.contains("could not apply the no_accept drop rules") }.count == 1, "logged at a limited rate")
        harness.dropRulesFail = false
        harness.advance(by: .seconds(1))
        #expect(harness.dropped == Self.dropped)
        #expect(status(harness).dropRules?.error == nil)
        #expect(status(harness).degradations.isEmpty)
    }
}
