import Node
import Testing
import VRRP

/// The node follows the host as it is (issue 16, defects 1–3): an interface re-created under
/// the same name, a changed MAC, a removed advert source.
@Suite("node: the host changes under it")
struct NodeHostTests {
    /// A Master of `instanceText()` on eth0 (ifindex 2), effects cleared.
    func master() throws -> NodeHarness {
        let harness = try NodeHarness(instanceText())
        harness.handle(.interface("eth0", eth0()))
        harness.advance(by: mdi150)
        try #require(harness.views.first?.state == .master)
        harness.effects = []
        return harness
    }

    var bindings: (NodeHarness) -> [Transport] = { harness in
        harness.effects.compactMap { if case .bindTransports(let transports) = $0 { transports } else { nil } }.last ?? []
    }

    @Test("an interface deleted and created again: FAULT while it is gone, then the instance speaks on the new ifindex and holds its VIP there")
    func recreatedInterface() throws {
        let harness = try master()
        harness.handle(.interface("eth0", nil))
        #expect(harness.views.first?.state == .fault)
        #expect(harness.views.first?.fault == .interfaceGone("eth0"))
        #expect(harness.sends.map(\.priority) == [0])
        harness.kernel = []  // the kernel took the addresses with the device
        harness.interfaceIndex = 7
        harness.effects = []
        harness.handle(.interface("eth0", eth0(index: 7)))
        #expect(bindings(harness).map(\.key) == [TransportKey(interfaceIndex: 7, family: .ipv4)])
        #expect(harness.log(containing: "eth0 is ifindex 7 now (was 2)"))
        #expect(harness.views.first?.state == .backup)
        // A peer's advert on the new ifindex is heard (the node validates on its new socket).
        harness.receive(priority: 200)
        #expect(harness.views.first?.state == .backup)
        #expect(harness.node.status(now: harness.now, daemon: DaemonInfo(version: "t", pid: 1, startedAt: .origin, configurationFile: nil))
            .instances.first?.master == "10.250.1.12")
        harness.effects = []
        harness.advance(by: mdi150)
        #expect(harness.views.first?.state == .master)
        let added = harness.effects.compactMap { if case .addAddress(let change) = $0 { change.binding.device.index } else { nil } }
        #expect(added == [7])
        #expect(harness.gratuitousARPs.flatMap(\.addresses).map(\.device.index) == [7, 7, 7, 7, 7])
        #expect(harness.effects.contains { if case .send(let outbound) = $0 { outbound.interface.index == 7 } else { false } })
    }

    @Test("a changed MAC is announced at once by the Master, and every later gratuitous ARP carries it")
    func changedMAC() throws {
        let harness = try master()
        let mac: [UInt8] = [2, 0, 0, 0, 0, 0x99]
        harness.handle(.interface("eth0", eth0(mac: mac)))
        #expect(harness.views.first?.state == .master)
        #expect(harness.gratuitousARPs.count == 5, "a full burst")
        #expect(Set(harness.gratuitousARPs.flatMap(\.addresses).map(\.device.hardwareAddress)) == [mac])
        #expect(harness.log(containing: "eth0 has MAC 02:00:00:00:00:99 now (was 02:00:00:00:00:01)"))
        #expect(bindings(harness).isEmpty, "the socket stays: same ifindex")
        harness.effects = []
        harness.advance(by: .seconds(6))  // garp_master_delay: the second burst
        #expect(!harness.gratuitousARPs.isEmpty)
        #expect(Set(harness.gratuitousARPs.flatMap(\.addresses).map(\.device.hardwareAddress)) == [mac])
    }

    @Test("the advert source removed: the next address of the interface takes over, the Master stays")
    func sourceReplaced() throws {
        let harness = try master()
        let next = IPAddress.v4(IPv4Address(10, 250, 1, 21))
        harness.handle(.interface("eth0", eth0(addresses: [next, .v4(IPv4Address(10, 250, 1, 100))])))
        #expect(harness.views.first?.state == .master)
        #expect(harness.log(containing: "10.250.1.11 is no longer on eth0: advertising from 10.250.1.21"))
        harness.effects = []
        harness.advance(by: .seconds(1))
        let sources = harness.effects.compactMap { if case .send(let outbound) = $0 { outbound.source } else { nil } }
        #expect(sources == [next])
    }

    @Test("no address left to advertise from: the Master resigns (priority 0) into FAULT, and comes back when one returns")
    func sourceGone() throws {
        let harness = try master()
        // Only the VIP is left: it is never an advert source.
        harness.handle(.interface("eth0", eth0(addresses: [.v4(IPv4Address(10, 250, 1, 100))])))
        #expect(harness.views.first?.state == .fault)
        #expect(harness.views.first?.fault == .noSourceAddress(interface: "eth0", family: .ipv4))
        #expect(harness.sends.map(\.priority) == [0])
        #expect(harness.kernel.isEmpty)
        let status = harness.node.status(now: harness.now, daemon: DaemonInfo(version: "t", pid: 1, startedAt: .origin, configurationFile: nil))
        #expect(status.instances.first?.fault == "no IPv4 address on eth0 to advertise from")
        harness.handle(.interface("eth0", eth0()))
        #expect(harness.views.first?.state == .backup)
        #expect(harness.views.first?.fault == nil)
    }

    @Test("a configured mcast_src_ip is kept whatever the interface's addresses")
    func configuredSource() throws {
        let harness = try NodeHarness(instanceText(extra: "    mcast_src_ip 10.250.1.11\n"))
        harness.handle(.interface("eth0", eth0(addresses: [])))
        harness.advance(by: mdi150)
        #expect(harness.views.first?.state == .master)
    }

    @Test("a sync group follows a member whose interface has no address to advertise from")
    func syncGroupFollowsHostFault() throws {
        let text = instanceText("VI_1") + instanceText("VI_2", vrid: 52, extra: "    mcast_src_ip 10.250.1.11\n")
            + "vrrp_sync_group VG_1 {\n    group {\n        VI_1\n        VI_2\n    }\n}\n"
        let harness = try NodeHarness(text)
        harness.handle(.interface("eth0", eth0(addresses: [])))
        #expect(harness.views.map(\.state) == [.fault, .fault])
        #expect(harness.views[0].fault == .noSourceAddress(interface: "eth0", family: .ipv4))
        #expect(harness.views[1].fault == .syncGroup(group: "VG_1", member: "VI_1", cause: .noSourceAddress(interface: "eth0", family: .ipv4)))
    }

    @Test("a Master's VIP also present in another form (a /32 beside the configured /24) is put back to the configured form only")
    func strayFormOnMaster() throws {
        let harness = try master()
        let vip = IPAddress.v4(IPv4Address(10, 250, 1, 100))
        harness.strays = [HostAddress(vip, prefixLength: 32, label: "eth0")]
        harness.handle(.addresses(interfaceIndex: 2, present: harness.present))
        #expect(harness.strays.isEmpty)
        #expect(harness.kernel == [vip])
        #expect(harness.views.first?.state == .master)
        #expect(harness.log(containing: "10.250.1.100 is on eth0 as 10.250.1.100/32 label eth0, not as configured (10.250.1.100/24): removing that form"))
        // The address stays (in its configured form): the connections on it are not reset.
        let removals = harness.effects.compactMap { effect -> AddressChange? in
            if case .removeAddress(let change) = effect { return change }
            return nil
        }
        #expect(!removals.isEmpty && removals.allSatisfy { !$0.resetsConnections }, "\(removals)")
        // Yielding gives the address up: its connections are reset before it goes.
        harness.effects.removeAll()
        harness.receive(priority: 200)
        let released = harness.effects.compactMap { effect -> AddressChange? in
            if case .removeAddress(let change) = effect { return change }
            return nil
        }
        #expect(!released.isEmpty && released.allSatisfy(\.resetsConnections), "\(released)")
    }

    @Test("a VIP left in another form by another tool is removed at start, as the configured one would be")
    func strayFormAtStart() throws {
        let harness = try NodeHarness(instanceText(), start: false)
        let vip = IPAddress.v4(IPv4Address(10, 250, 1, 100))
        harness.strays = [HostAddress(vip, prefixLength: 32, label: "eth0")]
        harness.handle(.start)
        #expect(harness.strays.isEmpty)
        #expect(harness.kernel.isEmpty)
        #expect(harness.views.first?.state == .backup)
    }

    @Test("after a hand-over no form of the VIP is left on the node that released it")
    func strayFormAfterRelease() throws {
        let harness = try master()
        let vip = IPAddress.v4(IPv4Address(10, 250, 1, 100))
        // A stray that the Master could not remove (the kernel refused once) is still there when it yields.
        harness.strays = [HostAddress(vip, prefixLength: 32, label: "eth0")]
        harness.receive(priority: 200)
        #expect(harness.views.first?.state == .backup)
        #expect(harness.kernel.isEmpty)
        #expect(harness.strays.isEmpty)
    }

    @Test("a VRRP socket that cannot be opened is in status (degraded), retried every second, and cleared once it opens")
    func socketRetry() throws {
        let harness = try master()
        harness.transportsFail = true
        harness.handle(.interface("eth0", nil))
        harness.kernel = []
        harness.interfaceIndex = 7
        harness.handle(.interface("eth0", eth0(index: 7)))
        #expect(harness.report().socketError == "No such device")
        #expect(harness.report().degradations.contains("a VRRP socket cannot be opened: No such device"))
        #expect(harness.log(containing: "cannot open a VRRP socket: No such device; retrying every 1 s"))
        harness.effects = []
        harness.advance(by: .seconds(1))
        #expect(bindings(harness).map(\.key) == [TransportKey(interfaceIndex: 7, family: .ipv4)], "retried")
        #expect(harness.report().socketError == "No such device")
        harness.transportsFail = false
        harness.advance(by: .seconds(1))
        #expect(harness.report().socketError == nil)
        #expect(harness.report().degradations.allSatisfy { !$0.contains("VRRP socket") })
    }

    @Test("a changed MTU changes how many addresses the adverts carry, both ways, and says so")
    func changedMTU() throws {
        let addresses = (100..<120).map { "        10.250.1.\($0)/24" }.joined(separator: "\n")
        let text = instanceText().replacingOccurrences(of: "        10.250.1.100/24", with: addresses)
        let harness = try NodeHarness(text)
        harness.handle(.interface("eth0", eth0()))
        harness.advance(by: mdi150)
        try #require(harness.views.first?.state == .master)
        harness.effects = []
        harness.advance(by: .seconds(1))
        #expect(harness.sends.last?.addresses.count == 20)
        // (100 − 14 Ethernet − 20 IPv4 − 8 VRRP − 8 auth) / 4 = 12 addresses fit.
        var small = eth0()
        small.mtu = 100
        harness.handle(.interface("eth0", small))
        #expect(harness.log(containing: "the MTU of eth0 fits 12 of 20 virtual addresses in one advert now"))
        harness.effects = []
        harness.advance(by: .seconds(1))
        #expect(harness.sends.last?.addresses.count == 12)
        #expect(harness.kernel.count == 20, "the rest stay held")
        harness.handle(.interface("eth0", eth0()))
        #expect(harness.log(containing: "the MTU of eth0 fits all 20 virtual addresses in one advert again"))
        harness.effects = []
        harness.advance(by: .seconds(1))
        #expect(harness.sends.last?.addresses.count == 20)
    }

    @Test("dont_track_primary: the interface's link going down is no FAULT; the interface gone still is")
    func dontTrackPrimary() throws {
        let harness = try NodeHarness(instanceText(extra: "    dont_track_primary\n"))
        harness.handle(.interface("eth0", eth0()))
        harness.advance(by: mdi150)
        try #require(harness.views.first?.state == .master)
        harness.handle(.interface("eth0", eth0(up: false)))
        #expect(harness.views.first?.state == .master)
        harness.handle(.interface("eth0", nil))
        #expect(harness.views.first?.state == .fault)
        let tracked = try NodeHarness(instanceText())
        tracked.handle(.interface("eth0", eth0()))
        tracked.advance(by: mdi150)
        tracked.handle(.interface("eth0", eth0(up: false)))
        #expect(tracked.views.first?.state == .fault, "without it, a link down is FAULT")
    }
}
