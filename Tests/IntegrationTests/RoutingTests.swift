import Foundation
import Testing

extension NamespaceSuites {
    /// `virtual_routes` / `virtual_rules` follow the VIP, `static_routes` / `static_rules`
    /// live from start to stop, on real kernels, with keepalived 2.2.7 as the peer reading the
    /// same file (the reference: it installs the same entries when it is Master).
    @Suite("virtual_routes / virtual_rules against keepalived", .serialized)
    struct RoutingTests {
        /// One route with the VIP as source, a blackhole in table 100, an IPv6 route, a rule
        /// sending the VIP's traffic to table 100; one static route and rule.
        private func routingConfig(_ lab: NetworkLab, priority: Int) -> String {
            """
            static_routes {
                10.250.103.128/25 via 10.250.101.1 dev eth0 table 101
            }
            static_rules {
                to 10.250.103.128/25 table 101 preference 101
            }

            """ + lab.config(priority: priority, extra: """
                virtual_routes {
                    src \(lab.virtualAddress) to 10.250.102.0/24 via 10.250.101.1 dev eth0
                    blackhole 10.250.103.0/25 table 100
                    fd00:250:102::/64 via fd00:250:101::1 dev eth0
                }
                virtual_rules {
                    from \(lab.virtualAddress) table 100 preference 100
                }

            """)
        }

        /// What the node's kernel has of the entries above, by a short name.
        private func entries(_ lab: NetworkLab, _ node: Int) -> Set<String> {
            let namespace = lab.nodes[node]
            // A failed `ip` call fails the test: an empty answer must not pass for "no entries".
            let routes = Shell.must("ip -n \(namespace) route show table all")
                + Shell.must("ip -n \(namespace) -6 route show table all")
            let rules = Shell.must("ip -n \(namespace) rule show")
            var found: Set<String> = []
            for line in routes.split(separator: "\n") {
                if line.hasPrefix("10.250.102.0/24 via 10.250.101.1 dev eth0") && line.contains("src \(lab.virtualAddress)") { found.insert("via") }
                if line.hasPrefix("blackhole 10.250.103.0/25 table 100") { found.insert("blackhole") }
                if line.hasPrefix("unreachable 10.250.103.0/25 table 100") { found.insert("unreachable") }
                if line.hasPrefix("fd00:250:102::/64 via fd00:250:101::1 dev eth0") { found.insert("ipv6") }
                if line.hasPrefix("10.250.103.128/25 via 10.250.101.1 dev eth0 table 101") { found.insert("static route") }
            }
            for line in rules.split(separator: "\n") {
                if line.hasPrefix("100:") && line.contains("from \(lab.virtualAddress) lookup 100") { found.insert("rule") }
                if line.hasPrefix("101:") && line.contains("to 10.250.103.128/25 lookup 101") { found.insert("static rule") }
            }
            return found
        }

        private let virtual: Set<String> = ["via", "blackhole", "ipv6", "rule"]
        private let statics: Set<String> = ["static route", "static rule"]

        @Test("the Master has the virtual routes and rules (proto keepalived), the Backup does not; one deleted by someone else is put back; they move with a failover both ways; SIGHUP replaces only a changed one; SIGTERM removes them and the static ones")
        func followTheVIP() throws {
            guard keepalivedInstalled(), let lab = openLab(tag: "route", subnet: 101, nodes: 2) else { return }
            defer { lab.tearDown() }
            var ours = lab.startVipkeeper(node: 0, config: routingConfig(lab, priority: 200))
            let theirs = lab.startKeepalived(node: 1, config: routingConfig(lab, priority: 100))
            try #require(waitUntil(timeout: masterDown(200) + 3) { lab.holders() == [0] } != nil, "\(lab.log("node0.log"))")
            #expect(waitUntil(timeout: 3) { entries(lab, 0) == virtual.union(statics) } != nil,
                    "vipkeeper Master: \(entries(lab, 0))\n\(lab.log("node0.log"))")
            #expect(waitUntil(timeout: 3) { entries(lab, 1) == statics } != nil, "keepalived Backup: \(entries(lab, 1))")
            let tagged = Shell.run("ip -n \(lab.nodes[0]) route show table all proto 18").output
            #expect(tagged.contains("10.250.102.0/24") && tagged.contains("10.250.103.0/25") && tagged.contains("10.250.103.128/25"),
                    "vipkeeper's routes carry RTPROT_KEEPALIVED: \(tagged)")
            let status = lab.report(0)?["routing"] as? [[String: Any]]
            #expect(status?.count == 6 && status?.allSatisfy { $0["installed"] as? Bool == true } == true, "\(String(describing: status))")

            // Deleted by someone else: put back at once, the static ones as keepalived reinstates them.
            _ = Shell.must("ip -n \(lab.nodes[0]) route del 10.250.102.0/24 && ip -n \(lab.nodes[0]) rule del pref 101")
            #expect(waitUntil(timeout: 2) { entries(lab, 0) == virtual.union(statics) } != nil,
                    "put back: \(entries(lab, 0))\n\(lab.log("node0.log"))")
            #expect(lab.log("node0.log").contains("deleted by someone else"), "\(lab.log("node0.log"))")

            // SIGTERM: everything of vipkeeper's goes; keepalived takes over with its own.
            #expect(lab.stop(ours))
            #expect(entries(lab, 0).isEmpty, "after SIGTERM: \(entries(lab, 0))")
            #expect(waitUntil(timeout: masterDown(100) + 3) { lab.holders() == [1] && entries(lab, 1) == virtual.union(statics) } != nil,
                    "keepalived Master: \(entries(lab, 1))")

            // vipkeeper back with the higher priority: it preempts, the routes move back.
            ours = lab.startVipkeeper(node: 0, config: routingConfig(lab, priority: 200))
            #expect(waitUntil(timeout: masterDown(200) + 5) { lab.holders() == [0] && entries(lab, 0) == virtual.union(statics) } != nil,
                    "vipkeeper Master again: \(entries(lab, 0))\n\(lab.log("node0.log"))")
            #expect(waitUntil(timeout: 3) { entries(lab, 1) == statics } != nil, "keepalived Backup again: \(entries(lab, 1))")

            // SIGHUP with one route changed: only that one is replaced; the instance keeps running.
            let transitions = lab.status(0)?["transitions"] as? Int
            _ = lab.write("node0.conf", routingConfig(lab, priority: 200)
                .replacingOccurrences(of: "blackhole 10.250.103.0/25", with: "unreachable 10.250.103.0/25"))
            kill(ours, SIGHUP)
            let changed = virtual.subtracting(["blackhole"]).union(["unreachable"]).union(statics)
            #expect(waitUntil(timeout: 3) { entries(lab, 0) == changed } != nil, "after SIGHUP: \(entries(lab, 0))\n\(lab.log("node0.log"))")
            #expect(lab.status(0)?["transitions"] as? Int == transitions && lab.log("node0.log").contains("1 unchanged (VI_1)"),
                    "the instance was not restarted: \(lab.log("node0.log"))")
            #expect(lab.stop(ours))
            lab.crash(theirs)
        }

        @Test("a route on a device that does not exist fails, is shown in status and retried; it goes in once the device appears")
        func missingDevice() throws {
            guard let lab = openLab(tag: "route", subnet: 102, nodes: 1) else { return }
            defer { lab.tearDown() }
            let config = lab.config(priority: 200, extra: "    virtual_routes {\n        10.250.103.0/24 dev vkdummy0\n    }\n")
            let pid = lab.startVipkeeper(node: 0, config: config)
            try #require(waitUntil(timeout: masterDown(200) + 3) { lab.holders() == [0] } != nil, "\(lab.log("node0.log"))")
            let failing = waitUntil(timeout: 3) {
                (lab.report(0)?["routing"] as? [[String: Any]])?.first?["failures"] as? Int ?? 0 > 0
            }
            #expect(failing != nil, "\(String(describing: lab.report(0)?["routing"]))")
            #expect(lab.log("node0.log").contains("there is no interface vkdummy0"), "\(lab.log("node0.log"))")
            let table = Shell.run("\(NetworkLab.vipkeeper) status --socket \(lab.socket(0))").output
            #expect(table.contains("VI_1: route 10.250.103.0/24 dev vkdummy0 NOT ADDED"), "\(table)")
            _ = Shell.must("ip -n \(lab.nodes[0]) link add vkdummy0 type veth peer name vkdummy1 && ip -n \(lab.nodes[0]) link set vkdummy0 up && ip -n \(lab.nodes[0]) link set vkdummy1 up")
            #expect(waitUntil(timeout: 4) {
                Shell.run("ip -n \(lab.nodes[0]) route show 10.250.103.0/24").output.contains("dev vkdummy0")
            } != nil, "\(lab.log("node0.log"))")
            #expect(waitUntil(timeout: 3) { lab.log("node0.log").contains("after") && lab.log("node0.log").contains("failed attempt") } != nil)
            #expect(lab.stop(pid))
            #expect(!Shell.run("ip -n \(lab.nodes[0]) route show 10.250.103.0/24").output.contains("vkdummy0"))
        }

        @Test("routes and rules a crashed (SIGKILL) run left are removed at the next start, before its instances start")
        func crashLeftovers() throws {
            guard let lab = openLab(tag: "route", subnet: 103, nodes: 1) else { return }
            defer { lab.tearDown() }
            let routing = "    virtual_routes {\n        10.250.102.0/24 via 10.250.103.1 dev eth0\n    }\n"
                + "    virtual_rules {\n        from \(lab.virtualAddress) table 100 preference 100\n    }\n"
            let crashed = lab.startVipkeeper(node: 0, config: lab.config(priority: 200, extra: routing))
            let route = { Shell.run("ip -n \(lab.nodes[0]) route show 10.250.102.0/24 proto 18").output.contains("via 10.250.103.1") }
            let rule = { Shell.run("ip -n \(lab.nodes[0]) rule show pref 100").output.contains("lookup 100") }
            try #require(waitUntil(timeout: masterDown(200) + 3) { route() && rule() } != nil, "\(lab.log("node0.log"))")
            lab.crash(crashed)
            #expect(route() && rule(), "SIGKILL leaves them")
            // The next run waits 10 s before its instances start: what is gone by then was a leftover.
            let pid = lab.startVipkeeper(node: 0, config: "global_defs {\n    vrrp_startup_delay 10\n}\n" + lab.config(priority: 200, extra: routing))
            #expect(waitUntil(timeout: 3) { !route() && !rule() } != nil, "\(lab.log("node0.log"))")
            #expect(waitUntil(timeout: 2) { lab.log("node0.log").contains("left behind by an earlier run") } != nil, "\(lab.log("node0.log"))")
            #expect(lab.stop(pid))
        }
    }
}
