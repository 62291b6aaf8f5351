import Config
import ControlProtocol
import Node
import Testing
import VRRP

/// `virtual_routes` / `virtual_rules` follow the instance's addresses (keepalived's
/// vrrp_state_become_master / leave_master); `static_routes` / `static_rules` live from start
/// to stop; a refused change is logged once, counted, shown and retried.
@Suite("node: virtual and static routes and rules")
struct NodeRoutingTests {
    static let routing = """
        virtual_routes {
            src 10.250.1.100 to 10.250.102.0/24 via 10.250.1.1 dev eth0
            blackhole 10.250.103.0/24 table 100
        }
        virtual_rules {
            from 10.250.1.100 table 100 preference 100
        }

    """

    private func position(_ harness: NodeHarness, _ matches: (NodeEffect) -> Bool) -> [Int] {
        harness.effects.indices.filter { matches(harness.effects[$0]) }
    }

    private func kinds(_ harness: NodeHarness) -> [String] {
        harness.effects.compactMap { effect in
            switch effect {
            case .addAddress: return "+address"
            case .removeAddress: return "-address"
            case .removeLeftoverAddress: return "-leftover"
            case .addRouting(let change): return change.entry.isRule ? "+rule" : "+route"
            case .removeRouting(let change): return change.entry.isRule ? "-rule" : "-route"
            default: return nil
            }
        }
    }

    private func status(_ harness: NodeHarness) -> StatusReport {
        harness.node.status(now: harness.now, daemon: DaemonInfo(version: "t", pid: 1, startedAt: .origin, configurationFile: nil))
    }

    @Test("start removes a crashed run's leftovers; Master adds addresses, then routes, then rules; leaving Master removes rules, routes, then addresses")
    func order() throws {
        let harness = try NodeHarness(instanceText(extra: Self.routing))
        #expect(kinds(harness) == ["-rule", "-route", "-route", "-leftover"], "leftovers: rules first, before the addresses")
        #expect(harness.routing.isEmpty)
        harness.effects = []
        harness.advance(by: mdi150)
        #expect(harness.views.first?.state == .master)
        #expect(kinds(harness) == ["+address", "+route", "+route", "+rule"])
        #expect(harness.routing.count == 3)
        #expect(status(harness).routing?.allSatisfy { $0.installed && $0.failures == 0 } == true)

        harness.effects = []
        harness.receive(priority: 200)
        #expect(harness.views.first?.state == .backup)
        #expect(kinds(harness) == ["-rule", "-route", "-route", "-address"])
        #expect(harness.routing.isEmpty)
        #expect(status(harness).routing?.allSatisfy { !$0.installed } == true)
    }

    @Test("SIGTERM: a Master's rules and routes go before its addresses")
    func stop() throws {
        let harness = try NodeHarness(instanceText(extra: Self.routing))
        harness.advance(by: mdi150)
        harness.effects = []
        harness.handle(.stop)
        #expect(kinds(harness) == [], "released before the new Master announced itself")
        harness.receive(priority: 100)
        harness.advance(by: .milliseconds(100))  // PendingRelease.announcementGrace: no gratuitous ARP seen
        #expect(kinds(harness) == ["-rule", "-route", "-route", "-address"])
        #expect(harness.routing.isEmpty && harness.kernel.isEmpty)
    }

    @Test("a refused route is logged once, counted, shown in status, retried every second, and reported when it goes in")
    func retry() throws {
        let harness = try NodeHarness(instanceText(extra: Self.routing))
        harness.routingFails = true
        harness.effects = []
        harness.advance(by: mdi150)
        #expect(harness.views.first?.state == .master)
        #expect(harness.logs.filter { $0.contains("could not add route") }.count == 2, "one line per entry, on its first refusal")
        #expect(status(harness).routing?.filter { $0.failures > 0 }.count == 3)
        #expect(status(harness).degradations.contains { $0.contains("cannot be added") })
        harness.effects = []
        harness.advance(by: .seconds(3))
        #expect(kinds(harness).filter { $0 == "+route" }.count == 6, "retried each second")
        #expect(!harness.log(containing: "could not add"), "logged once per streak")
        #expect(status(harness).routing?.first?.failures == 4)
        #expect(status(harness).instances.first?.routingFailures == 12, "3 entries refused 4 times each")
        harness.routingFails = false
        harness.effects = []
        harness.advance(by: .seconds(2))
        #expect(harness.routing.count == 3)
        #expect(harness.log(containing: "added route 10.250.102.0/24 src 10.250.1.100 via 10.250.1.1 dev eth0 after 4 failed attempts"))
        #expect(status(harness).routing?.allSatisfy { $0.installed && $0.failures == 0 } == true)
        #expect(status(harness).degradations.isEmpty)
    }

    @Test("a refused removal is retried while the instance is not Master")
    func removalRetry() throws {
        let harness = try NodeHarness(instanceText(extra: Self.routing))
        harness.advance(by: mdi150)
        harness.routingFails = true
        harness.receive(priority: 200)
        #expect(harness.views.first?.state == .backup)
        #expect(harness.routing.count == 3)
        harness.routingFails = false
        harness.effects = []
        harness.advance(by: .seconds(1))
        #expect(kinds(harness) == ["-rule", "-route", "-route"] || Set(kinds(harness)) == ["-rule", "-route"])
        #expect(harness.routing.isEmpty)
    }

    @Test("reload: a Master keeps the routes that did not change, removes the one gone and adds the new one, without a restart")
    func reload() throws {
        let harness = try NodeHarness(instanceText(extra: Self.routing))
        harness.advance(by: mdi150)
        let changed = Self.routing.replacingOccurrences(of: "blackhole 10.250.103.0/24 table 100", with: "unreachable 10.250.104.0/24")
        harness.effects = []
        harness.handle(.reload(try bind(loadConfiguration(instanceText(extra: changed)))))
        #expect(harness.views.first?.state == .master)
        #expect(harness.log(containing: "1 unchanged (VI_1)"))
        #expect(kinds(harness) == ["-route", "+route"])
        #expect(harness.routing.count == 3)
        #expect(harness.routing.contains { $0.description.contains("unreachable 10.250.104.0/24") })
    }

    @Test("static routes and rules: leftovers removed and added at start, kept across transitions, removed at stop")
    func staticRouting() throws {
        let text = "static_routes {\n    10.250.103.0/24 via 10.250.1.1 dev eth0\n}\nstatic_rules {\n    from 10.250.1.0/24 table 100 preference 200\n}\n"
            + instanceText()
        let harness = try NodeHarness(text)
        #expect(kinds(harness) == ["-rule", "-route", "+route", "+rule", "-leftover"], "static first, as keepalived's start_vrrp")
        #expect(harness.routing.count == 2)
        harness.advance(by: mdi150)
        harness.receive(priority: 200)
        #expect(harness.routing.count == 2)
        harness.effects = []
        harness.handle(.stop)
        #expect(kinds(harness) == ["-rule", "-route"], "the Backup holds nothing else")
        #expect(harness.routing.isEmpty)
    }

    @Test("a route change in the kernel: a moment later, what this node installed is added again (a deleted one comes back); nothing for a Backup")
    func putBack() throws {
        let text = "static_routes {\n    10.250.104.0/24 via 10.250.1.1 dev eth0\n}\n" + instanceText(extra: Self.routing)
        let harness = try NodeHarness(text)
        harness.advance(by: mdi150)
        let deleted = try #require(harness.routing.first { !$0.isRule && $0.description.contains("10.250.102.0") })
        harness.routing.remove(deleted)
        harness.effects = []
        harness.handle(.routingChanged)
        harness.handle(.routingChanged)
        #expect(kinds(harness).isEmpty, "gathered for a moment")
        harness.advance(by: .milliseconds(100))
        #expect(kinds(harness) == ["+route", "+route", "+rule", "+route"], "the instance's three, then the static one, once")
        #expect(harness.routing.count == 4 && harness.routing.contains(deleted))

        harness.receive(priority: 200)
        harness.effects = []
        harness.handle(.routingChanged)
        harness.advance(by: .milliseconds(100))
        #expect(kinds(harness) == ["+route"], "a Backup asserts only the static route")
    }
}
