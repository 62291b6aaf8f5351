import Foundation
import Testing

extension NamespaceSuites {
    /// Issue 16, defect 12: many IPv6 virtual addresses. An advert must never need
    /// fragmenting: like keepalived, the addresses that fit one frame of the interface's MTU
    /// are advertised and the rest held unadvertised, so both daemons count the same list.
    @Suite("an advert that would not fit one frame: 150 IPv6 virtual addresses", .serialized)
    struct LargeAdvertTests {
        static let count = 150

        /// A VRRPv3 IPv6 instance holding `count` addresses fd00:250:SUBNET::1:0 and up.
        func config(_ lab: NetworkLab, priority: Int) -> String {
            let addresses = (0..<Self.count).map { "        fd00:250:\(lab.subnet)::1:\(String($0, radix: 16))/64\n" }.joined()
            return """
            global_defs {
                vrrp_version 3
                # One neighbour advertisement per address: keepalived logs and sends 750 with
                # the defaults, which stalls its adverts for seconds after a takeover.
                vrrp_garp_master_repeat 1
                vrrp_garp_master_delay 0
            }
            vrrp_instance VI_1 {
                state BACKUP
                interface eth0
                virtual_router_id 51
                priority \(priority)
                advert_int 1
                virtual_ipaddress {
            \(addresses)    }
            }

            """
        }

        func firstAddressHolders(_ lab: NetworkLab) -> [Int] {
            lab.nodes.indices.filter {
                Shell.run("ip -n \(lab.nodes[$0]) -6 -o addr show dev eth0").output.contains(" fd00:250:\(lab.subnet)::1:0/")
            }
        }

        @Test("two vipkeeper nodes: one Master, the Backup drops nothing and never takes over; `check` says which addresses are not advertised")
        func betweenVipkeeperNodes() throws {
            guard let lab = openLab(tag: "la", subnet: 64, nodes: 2) else { return }
            defer { lab.tearDown() }
            let checked = Shell.run("\(NetworkLab.vipkeeper) check -f \(lab.write("check.conf", config(lab, priority: 200)))")
            #expect(checked.output.contains("has 150 virtual addresses, but an advert in a 1500-byte frame carries 89"), "\(checked.output)")
            // The Master first, so the Backup meets its adverts from its very start.
            lab.startVipkeeper(node: 0, config: config(lab, priority: 200))
            try #require(waitUntil(timeout: masterDown(200) + 5) { firstAddressHolders(lab) == [0] } != nil, "\(lab.log("node0.log"))")
            lab.startVipkeeper(node: 1, config: config(lab, priority: 100))
            let heard = waitUntil(timeout: masterDown(100) + 3) { (lab.status(1)?["advertisementsReceived"] as? Int ?? 0) >= 4 }
            #expect(heard != nil, "\(lab.log("node1.log"))")
            let backup = try #require(lab.status(1), "no status from node 1")
            #expect(backup["state"] as? String == "BACKUP")
            #expect(backup["becameMaster"] as? Int == 0)
            #expect((backup["drops"] as? [String: Int] ?? ["unreadable": 1]).isEmpty, "\(backup["drops"] ?? "none")")
            #expect(firstAddressHolders(lab) == [0])
            #expect(lab.log("node0.log").contains("150 virtual addresses do not fit one advert on eth0 (MTU): the first 89 are advertised"))
            // Every address is held, advertised or not: the last one too.
            #expect(Shell.run("ip -n \(lab.nodes[0]) -6 -o addr show dev eth0").output.contains(" fd00:250:\(lab.subnet)::1:95/"))
        }

        @Test("keepalived Master with the same file: the vipkeeper Backup accepts its adverts (the same 89 addresses) and never takes over")
        func keepalivedMaster() throws {
            guard keepalivedInstalled(), let lab = openLab(tag: "lk", subnet: 65, nodes: 2) else { return }
            defer { lab.tearDown() }
            lab.startKeepalived(node: 0, config: config(lab, priority: 200))
            try #require(waitUntil(timeout: masterDown(200) + 5) { firstAddressHolders(lab) == [0] } != nil, "\(lab.log("keepalived0.log"))")
            lab.startVipkeeper(node: 1, config: config(lab, priority: 100))
            let heard = waitUntil(timeout: masterDown(100) + 3) { (lab.status(1)?["advertisementsReceived"] as? Int ?? 0) >= 4 }
            #expect(heard != nil, "\(lab.log("node1.log"))\n\(lab.log("keepalived0.log"))")
            let backup = try #require(lab.status(1), "no status from node 1")
            #expect(backup["state"] as? String == "BACKUP")
            #expect(backup["becameMaster"] as? Int == 0)
            #expect((backup["drops"] as? [String: Int] ?? ["unreadable": 1]).isEmpty, "\(backup["drops"] ?? "none")")
        }
    }
}
