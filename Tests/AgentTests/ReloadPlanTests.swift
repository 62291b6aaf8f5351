#if canImport(Glibc)
import Glibc
#endif
import Config
import Testing
import VRRP
@testable import Agent

@Suite("reload plan")
struct ReloadPlanTests {
    static func configuration(_ text: String) throws -> Configuration {
        let path = "/tmp/vipkeeper-reload-plan-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).conf"
        let file = try #require(fopen(path, "w"))
        fputs(text, file)
        fclose(file)
        defer { unlink(path) }
        let result = ConfigurationLoader.load(path: path)
        return try #require(result.configuration, "\(result.diagnostics)")
    }

    /// Instances bound as `Agent.resolve` would bind them, on interface index `interfaceIndex`.
    static func runtimes(_ configuration: Configuration, interfaceIndex: Int32 = 2) -> [InstanceRuntime] {
        let source = IPv4Address(10, 250, 1, 11)
        return configuration.instances.map { definition in
            InstanceRuntime(
                definition: definition,
                router: VirtualRouter(configuration: configuration.routerConfiguration(for: definition, interfaceAddress: source)),
                trackers: configuration.trackerSet(for: definition),
                interface: "eth0", interfaceIndex: interfaceIndex,
                destinations: [configuration.globals.multicastGroup], source: source,
                virtualAddresses: definition.virtualAddresses.map {
                    VirtualAddressBinding(address: $0, interface: "eth0", interfaceIndex: interfaceIndex, hardwareAddress: [2, 0, 0, 0, 0, 1])
                })
        }
    }

    static func instance(_ name: String, vrid: Int, priority: Int) -> String {
        "vrrp_instance \(name) {\n    interface eth0\n    virtual_router_id \(vrid)\n    priority \(priority)\n    virtual_ipaddress {\n        10.250.1.\(vrid)/24\n    }\n}\n"
    }

    @Test("unchanged instances continue at their new position, a changed one restarts, a removed one stops, a new one starts")
    func plan() throws {
        let old = try Self.configuration(Self.instance("VI_1", vrid: 51, priority: 150) + Self.instance("VI_2", vrid: 52, priority: 100)
                                         + Self.instance("VI_3", vrid: 53, priority: 100))
        let new = try Self.configuration("# edited\n" + Self.instance("VI_4", vrid: 54, priority: 100) + Self.instance("VI_3", vrid: 53, priority: 90)
                                         + Self.instance("VI_1", vrid: 51, priority: 150))
        let plan = ReloadPlan(running: Self.runtimes(old), in: old, resolved: Self.runtimes(new), in: new)
        #expect(plan.continues == [nil, nil, 0])
        #expect(plan.stops == [1, 2])
        #expect(plan.started == [0, 1])
        #expect(plan.renumbering == [0: 2])
        #expect(plan.isRemoved(1) && !plan.isRemoved(2))
        #expect(plan.summary == "reload applied: 1 unchanged (VI_1), 1 restarted (VI_3), 1 added (VI_4), 1 removed (VI_2)")
    }

    @Test("the same file keeps everything; the same settings on a recreated interface restart")
    func binding() throws {
        let text = Self.instance("VI_1", vrid: 51, priority: 150)
        let old = try Self.configuration(text), new = try Self.configuration(text)
        let same = ReloadPlan(running: Self.runtimes(old), in: old, resolved: Self.runtimes(new), in: new)
        #expect(same.continues == [0] && same.stops.isEmpty)
        #expect(same.summary == "reload applied: 1 unchanged (VI_1), 0 restarted, 0 added, 0 removed")
        let moved = ReloadPlan(running: Self.runtimes(old), in: old, resolved: Self.runtimes(new, interfaceIndex: 7), in: new)
        #expect(moved.continues == [nil] && moved.stops == [0])
    }
}
