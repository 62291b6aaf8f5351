import Foundation
import Testing

extension NamespaceSuites {
    /// The routed mode end to end (issue 23): `bench/routed --ci` builds a spine, two leaves
    /// and both Harbor nodes running FRR (bgpd, eBGP) from `examples/harbor-pair-l3` unchanged,
    /// nginx on the nodes and a client behind the spine, then puts vipkeeper through a crash
    /// (SIGKILL), SIGTERM, nginx stopped, link down, SIGSTOP, a split and a drill. The harness is the
    /// benchmark's (one lab, one set of measurements); this test holds vipkeeper to what the
    /// design promises, with margins for a loaded 2-core machine. The timings against the
    /// keepalived + vtysh anchor are `bench/routed`'s report.
    @Suite("across routed subnets: the VIP on lo, announced by FRR", .serialized)
    struct AcrossSubnetsTests {
        /// One run of `bench/routed --ci`: its JSON, or nil after recording why (a set-up
        /// failure is a failure, never a result).
        func run() throws -> [String: Any]? {
            let output = "/tmp/vk-routed-\(getpid()).json"
            defer { try? FileManager.default.removeItem(atPath: output) }
            // SIGTERM at the bound: the harness removes its namespaces and processes on the way out.
            let command = "cd \(repositoryRoot) && VIPKEEPER_BIN=\(NetworkLab.vipkeeper) timeout -s TERM 900 python3 bench/routed --ci --json \(output) 2>&1"
            let result = Shell.run(command, timeout: 960)
            try #require(result.status == 0, "bench/routed --ci exit \(result.status):\n\(result.output)")
            let data = try #require(FileManager.default.contents(atPath: output), "no JSON from bench/routed:\n\(result.output)")
            let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            #expect(json["ok"] as? Bool == true, "\(json)")
            print(result.output)
            return json
        }

        func seconds(_ value: Any?) -> Double? { value as? Double ?? (value as? Int).map(Double.init) }

        @Test("crash, SIGTERM, nginx, link down, SIGSTOP, a split and a drill: the VIP moves, a dead or stopped daemon's route is withdrawn, one node announces after the heal")
        func routedFailovers() throws {
            try #require(FileManager.default.isExecutableFile(atPath: "/usr/lib/frr/bgpd"), "FRR is not installed (scripts/install-deps.sh installs it)")
            guard let json = try run() else { return }
            let scenarios = try #require(json["scenarios"] as? [String: [String: Any]], "\(json)")
            func scenario(_ name: String) throws -> [String: Any] { try #require(scenarios[name], "no \(name) in \(scenarios.keys.sorted())") }
            let lease = try #require(seconds((json["facts"] as? [String: Any])?["lease_on_a"]), "\(json)")
            #expect(lease == 4, "node a's VIP is held with the automatic lease, 4 x advert_int")

            // A drill in the routed mode: handed to node b and back, no gratuitous ARP expected
            // (its outage is in the JSON, for bench/routed to report).
            let drill = try #require((json["facts"] as? [String: Any])?["drill"] as? [String: Any], "\(json)")
            #expect(drill["result"] as? String == "passed", "\(drill)")
            #expect(drill["gratuitous_arp_expected"] as? Bool == false, "\(drill)")
            #expect(seconds(drill["b_vip_added"]) != nil, "node b never held the VIP during the drill: \(drill)")

            // Every failure of node a moves the VIP to node b, whose route the spine takes.
            for name in ["sigkill", "sigterm", "nginx", "link", "sigstop"] {
                let result = try scenario(name)
                #expect(seconds(result["b_vip_added"]) != nil, "\(name): node b never added the VIP: \(result)")
                #expect(seconds(result["b_best"]) != nil, "\(name): the spine never preferred node b's route: \(result)")
                #expect(result["outage_open"] as? Bool == false, "\(name): the client was still without answers at the end: \(result)")
                #expect(result["both_at_end"] as? Bool == false, "\(name): both nodes still announce: \(result)")
            }
            // A crashed or stopped daemon renews nothing: the kernel removes its VIP one lease
            // after its last advert, and the spine loses the route (keepalived's stays for good).
            for name in ["sigkill", "sigstop"] {
                let result = try scenario(name)
                let removed = try #require(seconds(result["a_vip_removed_after_last_advert"]), "\(name): node a's VIP never left lo: \(result)")
                #expect(removed >= lease - 0.1 && removed <= lease + 2, "\(name): the VIP went \(removed) s after the last advert; the lease is \(lease) s")
                #expect(seconds(result["a_withdrawn"]) != nil, "\(name): the spine kept node a's route: \(result)")
            }
            let crashed = try scenario("sigkill")
            #expect(crashed["a_vip_left_on_lo"] as? Bool == false, "\(crashed)")
            // SIGTERM is make-before-break: node b had the VIP before node a let it go.
            let sigterm = try scenario("sigterm")
            let overlap = try #require(seconds(sigterm["overlap"]), "\(sigterm)")
            #expect(overlap >= 0, "node a removed the VIP \(-overlap) s before node b added it")
            // SIGCONT after the stop: exactly one node announces again.
            let stopped = try scenario("sigstop")
            #expect((stopped["after_cont_announcing"] as? [String])?.count == 1, "\(stopped)")
            // The split: both sides may announce (VRRP cannot tell); the client is served
            // throughout, and after the heal exactly one node announces again, within one advert
            // interval plus the withdrawal's trip (margin for a loaded machine).
            let split = try scenario("split")
            #expect(["a", "b"].contains(split["split_client_reached"] as? String ?? ""), "\(split)")
            #expect(split["after_heal_announcing"] as? [String] == ["a"], "\(split)")
            let both = try #require(seconds(split["heal_both"]), "\(split)")
            #expect(both <= 2, "two nodes announced for \(both) s after the heal")
        }
    }
}
