#if canImport(Glibc)
import Glibc
#endif
import Config
import Node
import Testing
import VRRP

/// keepalived's `use_vmac` / `vmac_xmit_base` in the node (issue 18): the macvlan with the
/// RFC 3768 §7.3 virtual router MAC is asked for at start, followed as the host has it,
/// retried when it cannot be made, and deleted at stop and when a reload removes it.
@Suite("node: use_vmac")
struct NodeVirtualMACTests {
    static let vmac: [UInt8] = [0x00, 0x00, 0x5e, 0x00, 0x01, 51]

    /// The macvlan as the kernel would report it once made.
    func macvlan(index: Int32 = 9, name: String = "vrrp.51") -> HostInterface {
        HostInterface(name: name, index: index, hardwareAddress: Self.vmac, isUp: true, addresses: [])
    }

    var requests: (NodeHarness) -> [VirtualMACRequest] = { harness in
        harness.effects.compactMap { if case .ensureVirtualMAC(let request) = $0 { request } else { nil } }
    }

    var removals: (NodeHarness) -> [VirtualMACRequest] = { harness in
        harness.effects.compactMap { if case .removeVirtualMAC(let request) = $0 { request } else { nil } }
    }

    var outbound: (NodeHarness) -> [Outbound] = { harness in
        harness.effects.compactMap { if case .send(let outbound) = $0 { outbound } else { nil } }
    }

    /// A started instance with `use_vmac` whose macvlan is ifindex 9; the pretend kernel's
    /// addresses are those of the macvlan.
    func started(extra: String = "    use_vmac\n") throws -> NodeHarness {
        let harness = try NodeHarness(instanceText(extra: extra))
        harness.interfaceIndex = 9
        harness.handle(.interface("eth0", eth0()))
        harness.handle(.interface("vrrp.51", macvlan()))
        return harness
    }

    @Test("start asks for macvlan vrrp.51 with MAC 00:00:5e:00:01:33 on eth0 and stays in INIT until it is there")
    func startWaitsForTheMacvlan() throws {
        let harness = try NodeHarness(instanceText(extra: "    use_vmac\n"))
        let request = try #require(requests(harness).first)
        #expect(request.name == "vrrp.51")
        #expect(request.hardwareAddress == Self.vmac)
        #expect(request.parent.name == "eth0" && request.parent.index == 2)
        #expect(!request.keepsIPv6 && request.linkLocal == nil)
        #expect(request.hearsIPv4Adverts, "the runtime checks rp_filter for it")
        #expect(harness.views.first?.state == .initialize)
        #expect(!harness.effects.contains { if case .removeLeftoverAddress = $0 { true } else { false } },
                "no leftover removal on a device that does not exist yet")
        harness.interfaceIndex = 9
        harness.effects = []
        harness.handle(.interface("vrrp.51", macvlan()))
        #expect(harness.views.first?.state == .backup)
        let transports: [Transport] = harness.effects.compactMap { effect -> [Transport]? in
            if case .bindTransports(let transports) = effect { transports } else { nil }
        }.last ?? []
        #expect(transports.map(\.key) == [TransportKey(interfaceIndex: 9, family: .ipv4)], "adverts are sent and heard on the macvlan")
    }

    @Test("as Master the VIP goes on the macvlan, adverts leave from it and gratuitous ARPs carry the virtual MAC")
    func masterOnTheMacvlan() throws {
        let harness = try started()
        harness.effects = []
        harness.advance(by: mdi150)
        #expect(harness.views.first?.state == .master)
        let added = harness.effects.compactMap { if case .addAddress(let change) = $0 { change.binding.device } else { nil } }
        #expect(added.map(\.index) == [9])
        #expect(added.map(\.name) == ["vrrp.51"])
        #expect(outbound(harness).allSatisfy { $0.interface.index == 9 } && !outbound(harness).isEmpty)
        #expect(outbound(harness).first?.source == .v4(IPv4Address(10, 250, 1, 11)), "the source is eth0's primary address")
        #expect(Set(harness.gratuitousARPs.flatMap(\.addresses).map(\.device.hardwareAddress)) == [Self.vmac])
        #expect(harness.views.first?.holdsEveryAddress == true)
    }

    @Test("a peer's advert heard on the macvlan is the Master's")
    func hearsOnTheMacvlan() throws {
        let harness = try started()
        for _ in 0..<5 {
            harness.receive(priority: 200)  // on ifindex 9, the macvlan
            harness.advance(by: .seconds(1))
        }
        #expect(harness.views.first?.state == .backup)
        let status = harness.node.status(now: harness.now, daemon: DaemonInfo(version: "t", pid: 1, startedAt: .origin, configurationFile: nil))
        #expect(status.instances.first?.master == "10.250.1.12")
    }

    @Test("vmac_xmit_base: the VIP on the macvlan, adverts and socket on eth0")
    func transmitOnBase() throws {
        let harness = try started(extra: "    use_vmac\n    vmac_xmit_base\n")
        harness.effects = []
        harness.advance(by: mdi150)
        #expect(harness.views.first?.state == .master)
        #expect(outbound(harness).allSatisfy { $0.interface.index == 2 } && !outbound(harness).isEmpty)
        let added = harness.effects.compactMap { if case .addAddress(let change) = $0 { change.binding.device.index } else { nil } }
        #expect(added == [9])
        #expect(harness.node.configuration.transports.map(\.key) == [TransportKey(interfaceIndex: 2, family: .ipv4)])
    }

    @Test("a macvlan that cannot be made: logged once, counted, shown in status, asked for again every second")
    func failureIsRetried() throws {
        let harness = try NodeHarness(instanceText(extra: "    use_vmac\n"))
        let request = try #require(requests(harness).first)
        for _ in 0..<3 {
            harness.handle(.effectFailed(.ensureVirtualMAC(request), EffectError(code: -1, message: "Operation not permitted")))
            harness.effects.removeAll { if case .ensureVirtualMAC = $0 { true } else { false } }
            harness.advance(by: .seconds(1))
            #expect(requests(harness).count == 1, "asked again after a second")
        }
        #expect(harness.logs.filter { $0.contains("cannot make macvlan vrrp.51 on eth0") }.count == 1, "logged at a limited rate")
        let status = harness.node.status(now: harness.now, daemon: DaemonInfo(version: "t", pid: 1, startedAt: .origin, configurationFile: nil))
        #expect(status.instances.first?.virtualMAC?.failures == 3)
        #expect(status.instances.first?.virtualMAC?.present == false)
        #expect(harness.views.first?.state == .initialize)
        harness.interfaceIndex = 9
        harness.handle(.interface("vrrp.51", macvlan()))
        #expect(harness.views.first?.state == .backup)
        let after = harness.node.status(now: harness.now, daemon: DaemonInfo(version: "t", pid: 1, startedAt: .origin, configurationFile: nil))
        #expect(after.instances.first?.virtualMAC?.error == nil)
        #expect(after.degradations.isEmpty)
    }

    @Test("the macvlan deleted under a Master: FAULT, asked for again; re-made with another ifindex: the instance follows it")
    func macvlanDeletedWhileMaster() throws {
        let harness = try started()
        harness.advance(by: mdi150)
        try #require(harness.views.first?.state == .master)
        harness.effects = []
        harness.kernel = []
        harness.handle(.interface("vrrp.51", nil))
        #expect(harness.views.first?.state == .fault)
        #expect(harness.views.first?.fault == .interfaceGone("vrrp.51"))
        #expect(requests(harness).count == 1)
        harness.interfaceIndex = 12
        harness.effects = []
        harness.handle(.interface("vrrp.51", macvlan(index: 12)))
        #expect(harness.views.first?.state == .backup)
        harness.advance(by: mdi150)
        #expect(harness.views.first?.state == .master)
        let added = harness.effects.compactMap { if case .addAddress(let change) = $0 { change.binding.device.index } else { nil } }
        #expect(added == [12])
    }

    @Test("stop: the priority-0 advert and the address removal, then the macvlan is deleted")
    func stopDeletesTheMacvlan() throws {
        let harness = try started()
        harness.advance(by: mdi150)
        harness.effects = []
        harness.handle(.stop)
        harness.advance(by: .seconds(2))
        let zero = try #require(harness.effects.firstIndex { if case .send = $0 { true } else { false } })
        let removal = try #require(harness.effects.firstIndex { if case .removeVirtualMAC = $0 { true } else { false } })
        #expect(zero < removal)
        #expect(removals(harness).map(\.name) == ["vrrp.51"])
    }

    @Test("a reload that removes the instance deletes its macvlan; one that keeps it does not")
    func reloadRemovesTheMacvlan() throws {
        let harness = try started()
        harness.effects = []
        harness.handle(.reload(try bind(loadConfiguration(instanceText(priority: 120, extra: "    use_vmac\n")))))
        #expect(removals(harness).isEmpty, "the restarted instance keeps vrrp.51")
        harness.effects = []
        harness.handle(.reload(try bind(loadConfiguration(instanceText("VI_2", vrid: 52)))))
        #expect(removals(harness).map(\.name) == ["vrrp.51"])
    }

    @Test("an IPv6 instance's macvlan carries 00:00:5e:00:02:VRID and its link-local source")
    func ipv6() throws {
        let text = """
        vrrp_instance V6 {
            interface eth0
            virtual_router_id 51
            priority 150
            use_vmac vk6
            virtual_ipaddress {
                fd00:250:104::100/64
            }
        }

        """
        let host = PretendHost6()
        let harness = NodeHarness(try Binder.bind(loadConfiguration(text), on: host))
        let request = try #require(requests(harness).first)
        #expect(request.name == "vk6")
        #expect(request.hardwareAddress == [0x00, 0x00, 0x5e, 0x00, 0x02, 51])
        #expect(request.keepsIPv6)
        #expect(request.linkLocal == host.linkLocal)
        #expect(!request.hearsIPv4Adverts)
    }
}

/// eth0 with an IPv6 link-local address.
private struct PretendHost6: HostLookup {
    let linkLocal = IPAddress.v6(IPv6Address(octets: [0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])!)

    func interface(named name: String) -> HostInterface? {
        name == "eth0" ? HostInterface(name: "eth0", index: 2, hardwareAddress: [2, 0, 0, 0, 0, 1], isUp: true, addresses: [linkLocal]) : nil
    }

    func interface(holding address: IPAddress) -> String? { nil }
    func user(named name: String) -> (userID: Int32, groupID: Int32)? { nil }
    func group(named name: String) -> Int32? { nil }
}

@Suite("config: use_vmac")
struct VirtualMACConfigurationTests {
    func load(_ text: String) -> ConfigurationLoader.Result {
        let path = "/tmp/vipkeeper-vmac-test-\(UInt32.random(in: 0...UInt32.max)).conf"
        if let file = fopen(path, "w") {
            fputs(text, file)
            fclose(file)
        }
        defer { unlink(path) }
        return ConfigurationLoader.load(path: path)
    }

    @Test("use_vmac without a name is vrrp.VRID; vmac_prefix changes the prefix; an IPv6 router of the same VRID gets vrrp6.VRID")
    func defaultNames() throws {
        let configuration = try loadConfiguration(instanceText(extra: "    use_vmac\n    vmac_xmit_base\n"))
        let setting = try #require(configuration.instances.first?.virtualMAC)
        #expect(setting.interfaceName == "vrrp.51")
        #expect(setting.sendsOnBase)
        let prefixed = try loadConfiguration("global_defs {\n    vmac_prefix vk\n}\n" + instanceText(extra: "    use_vmac\n"))
        #expect(prefixed.instances.first?.virtualMAC?.interfaceName == "vk.51")
        let both = try loadConfiguration(instanceText(extra: "    use_vmac\n") + """
        vrrp_instance V6 {
            interface eth0
            virtual_router_id 51
            use_vmac
            virtual_ipaddress {
                fd00:250:104::100/64
            }
        }

        """)
        #expect(both.instances.map { $0.virtualMAC?.interfaceName } == ["vrrp.51", "vrrp6.51"])
    }

    @Test("errors and warnings: a name used twice, a bad name, vmac_xmit_base alone, a MAC, unicast without vmac_xmit_base")
    func diagnostics() throws {
        let twice = load(instanceText(extra: "    use_vmac vk1\n") + instanceText("VI_2", vrid: 52, extra: "    use_vmac vk1\n"))
        #expect(twice.configuration == nil)
        #expect("\(twice.diagnostics)".contains("already uses that macvlan"))
        let bad = load(instanceText(extra: "    use_vmac a/b\n"))
        #expect(bad.configuration == nil)
        #expect("\(bad.diagnostics)".contains("not a valid interface name"))
        let alone = load(instanceText(extra: "    vmac_xmit_base\n"))
        #expect(alone.configuration?.instances.first?.virtualMAC == nil)
        #expect("\(alone.diagnostics)".contains("only valid with `use_vmac`"))
        let mac = load(instanceText(extra: "    use_vmac vk1 02:11:22:33:44:55\n"))
        #expect(mac.configuration?.instances.first?.virtualMAC?.interfaceName == "vk1")
        #expect("\(mac.diagnostics)".contains("not supported by vipkeeper"))
        let onAddress = load(instanceText(extra: "    use_vmac\n").replacingOccurrences(of: "10.250.1.100/24", with: "10.250.1.100/24 use_vmac dev eth0"))
        #expect(onAddress.configuration?.instances.first?.virtualAddresses.first?.device == "eth0")
        #expect("\(onAddress.diagnostics)".contains("`use_vmac` on a `virtual_ipaddress` entry"))
        let unicast = load(instanceText(extra: "    use_vmac\n    unicast_peer {\n        10.250.1.12\n    }\n"))
        #expect(unicast.configuration?.instances.first?.virtualMAC?.sendsOnBase == true)
        #expect("\(unicast.diagnostics)".contains("needs `vmac_xmit_base`"))
    }
}
