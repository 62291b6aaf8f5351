import Config
import ControlProtocol
import Node
import Testing
import VRRP

@Suite("node: an instance without virtual addresses (keepalived runs it: an elastic IP moved by notify_master)")
struct NodeAddresslessTests {
    static let text = """
    vrrp_instance VI_1 {
        interface eth0
        virtual_router_id 51
        priority 150
        advert_int 1
        authentication {
            auth_type PASS
            auth_pass harbor
        }
        notify_master /usr/local/bin/move-elastic-ip.sh
    }

    """

    @Test("elected Master: adverts carry a count of zero, notify_master runs, nothing is added or announced")
    func electedWithoutAddresses() throws {
        let harness = try NodeHarness(Self.text)
        #expect(harness.effects.allSatisfy { if case .removeLeftoverAddress = $0 { false } else { true } })
        harness.effects = []
        harness.advance(by: mdi150)
        #expect(harness.views.first?.state == .master)
        #expect(harness.kernel.isEmpty)
        #expect(!harness.sends.isEmpty)
        #expect(harness.sends.allSatisfy { $0.addresses.isEmpty && $0.priority == 150 })
        #expect(harness.gratuitousARPs.isEmpty)
        #expect(harness.effects.contains { if case .runNotify(let job) = $0 { job.label == "notify_master" } else { false } })
        let report = harness.node.status(now: harness.now, daemon: DaemonInfo(version: "t", pid: 1, startedAt: .origin, configurationFile: nil))
        #expect(report.instances.first?.state == "MASTER")
        #expect(report.instances.first?.virtualAddresses.isEmpty == true)
        harness.effects = []
        harness.handle(.stop)
        #expect(harness.sends.map(\.priority) == [0])
    }

    @Test("a peer's advert with no addresses is accepted (§7.1: the lists match), and a higher priority takes over")
    func peerWithoutAddresses() throws {
        let harness = try NodeHarness(Self.text)
        harness.advance(by: mdi150)
        harness.receive(priority: 200, addresses: [])
        #expect(harness.views.first?.state == .backup)
        let report = harness.node.status(now: harness.now, daemon: DaemonInfo(version: "t", pid: 1, startedAt: .origin, configurationFile: nil))
        #expect(report.instances.first?.drops.isEmpty == true)
        // A peer that advertises an address this node does not have is a mismatch (dropped).
        harness.receive(priority: 200)
        let after = harness.node.status(now: harness.now, daemon: DaemonInfo(version: "t", pid: 1, startedAt: .origin, configurationFile: nil))
        #expect(after.instances.first?.drops.isEmpty == false)
    }
}
