#if canImport(Glibc)
import Glibc
#endif
import Config
import Node
import Testing
import VRRP

/// The routed mode: a VIP on a device with no segment (the loopback) is held with a kernel
/// lease renewed by every advert, and announced by the node's BGP daemon, not by gratuitous
/// ARP (`BoundInstance.leaseSeconds`, `Device.hasSegment`).
@Suite("node: leased addresses on a device with no segment (routed VIPs)")
struct NodeLeaseTests {
    static let routedVIP = IPAddress.v4(IPv4Address(10, 250, 138, 100))

    func text(addresses: String = "10.250.138.100/32 dev lo", extra: String = "") -> String {
        instanceText(addresses: addresses, extra: extra)
    }

    func adds(_ harness: NodeHarness) -> [AddressChange] {
        harness.effects.compactMap { if case .addAddress(let change) = $0 { change } else { nil } }
    }

    func renewals(_ harness: NodeHarness) -> [AddressChange] {
        harness.effects.compactMap { if case .renewAddress(let change) = $0 { change } else { nil } }
    }

    func adverts(_ harness: NodeHarness) -> Int {
        harness.effects.filter { if case .send = $0 { true } else { false } }.count
    }

    @Test("a VIP on lo: added with a 4 x advert_int lease, renewed with each advert while Master, never announced by gratuitous ARP")
    func loopbackLease() throws {
        let harness = try NodeHarness(text())
        harness.advance(by: mdi150)
        try #require(harness.views.first?.state == .master)
        let added = try #require(adds(harness).first)
        #expect(added.binding.device.name == "lo" && !added.binding.device.hasSegment)
        #expect(added.leaseSeconds == 4)
        #expect(harness.gratuitousARPs.isEmpty, "no segment: nobody to tell")
        #expect(harness.kernel.contains(Self.routedVIP))

        harness.effects = []
        harness.advance(by: .seconds(3))
        #expect(adverts(harness) == 3)
        #expect(renewals(harness).count == 3, "one renewal per advert")
        #expect(renewals(harness).allSatisfy { $0.leaseSeconds == 4 && $0.binding.address.address == Self.routedVIP })
        #expect(harness.gratuitousARPs.isEmpty)
        let status = try #require(harness.node.status(now: harness.now, daemon: DaemonInfo(version: "t", pid: 1, startedAt: .origin, configurationFile: nil))
            .instances.first?.virtualAddresses.first)
        #expect(status.leaseSeconds == 4 && status.held)

        // A higher priority takes over: the address goes, and nothing renews it any more.
        harness.receive(priority: 200, addresses: [IPv4Address(10, 250, 138, 100)])
        #expect(harness.views.first?.state == .backup)
        harness.advance(by: .seconds(1))
        #expect(!harness.kernel.contains(Self.routedVIP))
        harness.effects = []
        harness.advance(by: .seconds(2))
        #expect(renewals(harness).isEmpty)
    }

    @Test("the lease ran out (the daemon was stopped): the Master adds the address back and says the lease may be why")
    func expiredLease() throws {
        let harness = try NodeHarness(text())
        harness.advance(by: mdi150)
        try #require(harness.kernel.contains(Self.routedVIP))
        harness.kernel.remove(Self.routedVIP)
        harness.effects = []
        harness.handle(.addresses(interfaceIndex: 1, present: []))
        #expect(harness.log(containing: "was deleted by someone else, or its 4 s lease ran out (no advert renewed it) while MASTER; adding it back"), "\(harness.logs)")
        #expect(adds(harness).first?.leaseSeconds == 4)
        #expect(harness.kernel.contains(Self.routedVIP))
    }

    @Test("renewals netlink refuses: logged once per window, counted in status, tried again with each advert")
    func failedRenewal() throws {
        let harness = try NodeHarness(text())
        harness.advance(by: mdi150)
        harness.netlinkFails = true
        harness.effects = []
        harness.advance(by: .seconds(3))
        #expect(harness.logs.filter { $0.contains("could not renew the 4 s lease of 10.250.138.100/32 dev lo") }.count == 1, "\(harness.logs)")
        harness.netlinkFails = false
        harness.effects = []
        harness.advance(by: .seconds(1))
        #expect(renewals(harness).count == 1, "the next advert renews")
        let address = try #require(harness.node.status(now: harness.now, daemon: DaemonInfo(version: "t", pid: 1, startedAt: .origin, configurationFile: nil))
            .instances.first?.virtualAddresses.first)
        #expect(address.held && address.renewFailures == 3, "\(address)")
    }

    @Test("vip_lease: an explicit lease on a LAN VIP (still announced), 0 for none on lo, the automatic one from advert_int")
    func explicitLease() throws {
        let lan = try NodeHarness(text(addresses: "10.250.1.100/24", extra: "    vip_lease 10\n"))
        lan.advance(by: mdi150)
        #expect(adds(lan).first?.leaseSeconds == 10)
        #expect(!lan.gratuitousARPs.isEmpty, "a LAN VIP is announced, leased or not")

        let none = try NodeHarness(text(extra: "    vip_lease 0\n"))
        none.advance(by: mdi150)
        #expect(adds(none).first.map { $0.leaseSeconds == nil } == true)
        none.effects = []
        none.advance(by: .seconds(2))
        #expect(renewals(none).isEmpty)

        let plain = try NodeHarness(instanceText())
        plain.advance(by: mdi150)
        #expect(adds(plain).first.map { $0.leaseSeconds == nil } == true, "a LAN VIP has no lease unless asked")
        plain.effects = []
        plain.advance(by: .seconds(2))
        #expect(renewals(plain).isEmpty)
    }

    @Test("vip_lease is checked: out of range is an error at its column, shorter than two adverts a warning")
    func configuration() throws {
        let path = "/tmp/vipkeeper-lease-\(getpid()).conf"
        for (value, expected) in [("-1", "error"), ("86401", "error"), ("1", "warning")] {
            let file = try #require(fopen(path, "w"))
            fputs(text(extra: "    vip_lease \(value)\n"), file)
            fclose(file)
            defer { unlink(path) }
            let result = ConfigurationLoader.load(path: path)
            let diagnostic = try #require(result.diagnostics.first { $0.location.line == 13 }, "\(result.diagnostics)")
            #expect(diagnostic.severity.rawValue == expected, "\(diagnostic)")
            #expect(diagnostic.location.line == 13 && diagnostic.location.column == 15, "\(diagnostic)")
        }
    }

    func kinds(_ harness: NodeHarness) -> [String] {
        harness.effects.compactMap { effect in
            switch effect {
            case .drainAddress: "drain"
            case .endDrain: "endDrain"
            case .removeAddress(let change): change.resetsConnections ? "remove+reset" : "remove"
            case .addAddress: "add"
            case .record(let entry): if case .daemon(.stopped) = entry.change { "stopped" } else { nil }
            default: nil
            }
        }
    }

    @Test("giving up a routed VIP: the drain route first, then the address; a second later its connections are reset and the drain route goes")
    func drainOnRelease() throws {
        let harness = try NodeHarness(text())
        harness.advance(by: mdi150)
        harness.effects = []
        harness.receive(priority: 200, addresses: [IPv4Address(10, 250, 138, 100)])
        #expect(harness.views.first?.state == .backup)
        #expect(kinds(harness) == ["drain", "remove"], "\(harness.effects)")
        let drained = try #require(harness.effects.compactMap { if case .drainAddress(let change) = $0 { change } else { nil } }.first)
        let routes = drained.binding.drainRoutes
        #expect(routes.map(\.kind) == [.local, .unicast] && routes.map(\.table) == [.local, .main], "\(routes)")
        #expect(routes.allSatisfy { $0.device == "lo" && $0.metric == 1024 && $0.destination.description == "10.250.138.100/32" }, "\(routes)")
        harness.effects = []
        harness.advance(by: .milliseconds(999))
        #expect(kinds(harness).isEmpty)
        harness.advance(by: .milliseconds(1))
        #expect(kinds(harness) == ["remove+reset", "endDrain"], "\(harness.effects)")

        // A LAN VIP is removed at once, as before.
        let lan = try NodeHarness(instanceText())
        lan.advance(by: mdi150)
        lan.effects = []
        lan.receive(priority: 200)
        #expect(kinds(lan) == ["remove+reset"])
    }

    @Test("a stop waits for the drain before it ends; a Master again during the drain keeps its address and only loses the drain route")
    func drainAndStop() throws {
        let harness = try NodeHarness("global_defs {\n    vrrp_handover immediate\n}\n" + text())
        harness.advance(by: mdi150)
        harness.effects = []
        harness.handle(.stop)
        #expect(kinds(harness) == ["drain", "remove"], "\(harness.effects)")
        harness.advance(by: .seconds(1))
        #expect(kinds(harness) == ["drain", "remove", "remove+reset", "endDrain", "stopped"], "\(harness.effects)")

        let again = try NodeHarness(text())
        again.advance(by: mdi150)
        again.receive(priority: 200, addresses: [IPv4Address(10, 250, 138, 100)])
        // The new Master resigns at once: this node takes over after Skew_Time, inside the drain.
        again.receive(priority: 0, addresses: [IPv4Address(10, 250, 138, 100)])
        again.effects = []
        again.advance(by: .seconds(1))
        #expect(again.views.first?.state == .master)
        #expect(kinds(again).contains("endDrain") && !kinds(again).contains("remove+reset"), "\(again.effects)")
    }

    @Test("a drain route netlink will not delete: logged once, tried again every second until it goes")
    func endDrainRetried() throws {
        let harness = try NodeHarness(text())
        harness.advance(by: mdi150)
        harness.receive(priority: 200, addresses: [IPv4Address(10, 250, 138, 100)])
        harness.routingFails = true
        harness.effects = []
        harness.advance(by: .seconds(3))
        #expect(kinds(harness).filter { $0 == "endDrain" }.count == 3, "\(harness.effects)")
        #expect(harness.logs.filter { $0.contains("could not delete the drain routes of 10.250.138.100/32 dev lo") }.count == 1, "\(harness.logs)")
        harness.routingFails = false
        harness.effects = []
        harness.advance(by: .seconds(3))
        #expect(kinds(harness).filter { $0 == "endDrain" }.count == 1, "done after the first that succeeds: \(harness.effects)")
    }
}
