#if canImport(Glibc)
import Glibc
#endif
import Testing
import VRRP
@testable import Config

/// `keepalived -t` runs in a network namespace: it needs root and keepalived. Without them the
/// test is skipped (reported as skipped, not passed) — except in CI, where it runs and fails.
enum KeepalivedCheck {
    static var ci: Bool { getenv("CI").map { String(cString: $0) } == "true" }
    static var possible: Bool { access("/usr/sbin/keepalived", X_OK) == 0 && geteuid() == 0 }
    static var enabled: Bool { ci || possible }
}

@Suite("shipped examples")
struct ExampleConfigTests {
    @Test("the Harbor guide's keepalived.conf pair reads unchanged, without a warning")
    func keepalivedPair() throws {
        for (name, priority, state, source) in [("master", UInt8(100), InstanceDefinition.InitialState.master, "10.0.0.61"),
                                                 ("backup", 90, .backup, "10.0.0.62")] {
            let result = ConfigurationLoader.load(path: "\(packageRoot)/examples/harbor-keepalived-\(name).conf")
            #expect(result.diagnostics == [])
            let configuration = try #require(result.configuration)
            let instance = try #require(configuration.instances.first)
            #expect(instance.name == "VI_1")
            #expect(instance.initialState == state)
            #expect(instance.interface == "ens33")
            #expect(instance.virtualRouterID == 251)
            #expect(instance.priority == priority)
            #expect(instance.multicastSourceAddress == IPAddress(source))
            #expect(instance.authentication == .password("11111111"))
            #expect(instance.virtualAddresses.map(\.description) == ["10.0.0.66/32"])
            #expect(configuration.scripts.first?.command?.arguments == ["killall", "-0", "nginx"])
            #expect(configuration.scripts.first?.schedule.interval == .seconds(2))
            #expect(configuration.scripts.first?.schedule.weight == TrackerWeight(-20))
            // A failing nginx check on the master: 100 - 20 = 80 < 90, so the backup preempts.
            var trackers = configuration.trackerSet(for: instance)
            trackers.set(.check("chk_nginx"), isUp: false)
            #expect(trackers.effectivePriority == priority - 20)
            let router = configuration.routerConfiguration(for: instance, interfaceAddress: .v4(IPv4Address(10, 0, 0, 99)))
            #expect(router.localAddress == IPAddress(source))  // mcast_src_ip wins
        }
    }

    @Test("text given as a path reads exactly as the file at that path (what the fuzz harness uses)")
    func textAsPath() throws {
        for example in ["harbor-keepalived-master.conf", "harbor-pair/node-a.conf"] {
            let path = "\(packageRoot)/examples/\(example)"
            let file = try #require(fopen(path, "r"), "cannot open \(path)")
            var text = ""
            var buffer = [CChar](repeating: 0, count: 4096)
            while fgets(&buffer, Int32(buffer.count), file) != nil { text += String(cString: buffer) }
            fclose(file)
            let fromFile = ConfigurationLoader.load(path: path)
            let fromText = ConfigurationLoader.load(text: text, path: path)
            #expect(fromFile.configuration != nil)
            #expect(fromText.configuration == fromFile.configuration)
            #expect(fromText.diagnostics == fromFile.diagnostics)
        }
    }

    @Test("the native Harbor pair uses HTTP checks on /ping and /health")
    func nativePair() throws {
        for (node, priority) in [("a", UInt8(110)), ("b", 100)] {
            let result = ConfigurationLoader.load(path: "\(packageRoot)/examples/harbor-pair/node-\(node).conf")
            #expect(result.diagnostics == [])
            let configuration = try #require(result.configuration)
            #expect(configuration.httpChecks.map { $0.url?.target } == ["/api/v2.0/ping", "/api/v2.0/health"])
            #expect(configuration.httpChecks[0].expectBody == "Pong")
            #expect(configuration.httpChecks[1].requireComponents.contains("core"))
            #expect(configuration.instances.first?.priority == priority)
            #expect(configuration.instances.first?.fastPreempt == true)
        }
    }

    @Test("the dual-stack VRRPv3 pair: an IPv4 and an IPv6 instance at 0.1 s, in one sync group, no warnings")
    func versionThreePair() throws {
        for (node, priority) in [("a", UInt8(110)), ("b", 100)] {
            let result = ConfigurationLoader.load(path: "\(packageRoot)/examples/harbor-pair-v3/node-\(node).conf")
            #expect(result.diagnostics == [])
            let configuration = try #require(result.configuration)
            #expect(configuration.instances.map(\.resolvedVersion) == [.v3, .v3])
            #expect(configuration.instances.map(\.family) == [.ipv4, .ipv6])
            #expect(configuration.instances.allSatisfy { $0.advertisementInterval.centiseconds == 10 && $0.priority == priority })
            #expect(configuration.syncGroups.first?.members == ["harbor_vip4", "harbor_vip6"])
        }
    }

    @Test("the routed pair: unicast across subnets, the VIP a /32 on lo (leased: no segment), no warnings")
    func routedPair() throws {
        for (node, priority, source, peer) in [("a", UInt8(110), "10.250.135.10", "10.250.136.11"), ("b", 100, "10.250.136.11", "10.250.135.10")] {
            let result = ConfigurationLoader.load(path: "\(packageRoot)/examples/harbor-pair-l3/node-\(node).conf")
            #expect(result.diagnostics == [])
            let instance = try #require(result.configuration?.instances.first)
            #expect(instance.priority == priority)
            #expect(instance.unicastSourceAddress == IPAddress(source) && instance.unicastPeers == [IPAddress(peer)].compactMap { $0 })
            #expect(instance.virtualAddresses.map(\.description) == ["10.250.138.100/32"])
            #expect(instance.virtualAddresses.map(\.device) == ["lo"])
            #expect(instance.addressLease == nil, "the automatic lease, 4 x advert_int")
        }
    }

    /// keepalived -t exits 0 when valid, 5 on configuration errors, and 6 when the only
    /// complaint is that scripts run without `enable_script_security` (which keepalived still
    /// runs). It refuses a file whose interface does not exist, so it runs in a namespace
    /// holding a veth named ens33, as the guide's configuration expects.
    @Test("keepalived itself accepts the keepalived examples (keepalived -t)",
          .enabled(if: KeepalivedCheck.enabled, "needs root and /usr/sbin/keepalived (apt-get install keepalived)"))
    func keepalivedAgrees() throws {
        guard KeepalivedCheck.possible else {
            Issue.record("CI must run this as root with keepalived installed (apt-get install keepalived)")
            return
        }
        let namespace = "vkcfg\(getpid())"
        defer { _ = system("ip netns del \(namespace) 2>/dev/null") }
        try #require(system("ip netns add \(namespace) && ip -n \(namespace) link add ens33 type veth peer name ens33p && ip -n \(namespace) addr add 10.250.0.61/24 dev ens33 && ip -n \(namespace) link set ens33 up") == 0,
                     "could not make the namespace with ens33 that keepalived -t needs")
        func keepalivedTest(_ path: String) -> Int32 {
            let status = system("ip netns exec \(namespace) /usr/sbin/keepalived -t -f '\(path)' >/dev/null 2>&1")
            return status & 0x7f == 0 ? (status >> 8) & 0xff : -1
        }
        for name in ["master", "backup"] {
            let code = keepalivedTest("\(packageRoot)/examples/harbor-keepalived-\(name).conf")
            #expect(code == 0 || code == 6, "keepalived -t rejected harbor-keepalived-\(name).conf with exit \(code)")
        }
        // Control: keepalived does reject a typo, so the comparison above can fail.
        let scratch = TemporaryConfig()
        let typo = scratch.write("typo.conf", "vrrp_instance X {\n interface ens33\n virtual_router_id 1\n priorty 100\n virtual_ipaddress {\n 10.250.0.66\n }\n}\n")
        #expect(keepalivedTest(typo) == 5)
    }
}
