import Foundation
import Testing

extension NamespaceSuites {
    /// Issue 16, defects 1–3: the node changes under the daemon and it follows, keeping one
    /// holder (real namespaces, real kernel, two vipkeeper nodes and a client).
    @Suite("the host changes under vipkeeper: interfaces re-created, MACs changed, advert source removed", .serialized)
    struct HostChangeTests {
        /// Node 0 (priority 200) Master with the VIP, node 1 (100) its Backup; node 0's pid.
        @discardableResult
        func startPair(_ lab: NetworkLab) throws -> Int32 {
            let master = lab.startVipkeeper(node: 0, config: lab.config(priority: 200))
            lab.startVipkeeper(node: 1, config: lab.config(priority: 100))
            try #require(waitUntil(timeout: masterDown(200) + 3) { lab.holders() == [0] && lab.status(1)?["state"] as? String == "BACKUP" } != nil,
                         "\(lab.log("node0.log"))\(lab.log("node1.log"))")
            return master
        }

        @Test("the Backup's eth0 deleted and created again (new ifindex): it hears the Master on the new interface, and takes over with its VIP there when the Master dies")
        func recreatedInterface() throws {
            guard let lab = openLab(tag: "rc", subnet: 60, nodes: 2) else { return }
            defer { lab.tearDown() }
            let master = try startPair(lab)
            let before = lab.interfaceIndex(of: 1)
            lab.recreateLink(1)
            let after = lab.interfaceIndex(of: 1)
            try #require(after != before && after != 0, "eth0 was not re-created: ifindex \(before) -> \(after)")
            let heardBefore = try #require(lab.status(1)?["advertisementsReceived"] as? Int)
            // Adverts arrive again, on the new ifindex, and the Backup stays Backup.
            let heard = waitUntil(timeout: masterDown(100) + 2) {
                (lab.status(1)?["advertisementsReceived"] as? Int ?? 0) >= heardBefore + 2 && lab.status(1)?["state"] as? String == "BACKUP"
            }
            measured("eth0 re-created -> the Backup hears adverts on the new ifindex again", heard, bound: 2)
            #expect(heard != nil, "\(lab.log("node1.log"))")
            #expect(lab.log("node1.log").contains("eth0 is ifindex \(after) now (was \(before))"), "\(lab.log("node1.log"))")
            #expect(lab.status(1)?["becameMaster"] as? Int == 0, "the Backup became Master while the Master was alive")
            lab.crash(master)
            // The crashed Master's VIP stays in its kernel (nobody removed it): the Backup's counts.
            let takeover = waitUntil(timeout: masterDown(100) + 3) { lab.holdsVirtualAddress(1) }
            #expect(takeover != nil, "\(lab.log("node1.log"))")
            #expect(lab.clientReachesVirtualAddress())
            #expect(lab.clientNeighbourMAC() == lab.mac(of: 1))
        }

        @Test("a changed MAC: the Master announces the VIP with it at once; a Backup whose MAC changed takes over with its new MAC")
        func changedMAC() throws {
            guard let lab = openLab(tag: "mc", subnet: 61, nodes: 2) else { return }
            defer { lab.tearDown() }
            let master = try startPair(lab)
            try #require(lab.clientReachesVirtualAddress())
            Shell.must("ip -n \(lab.nodes[0]) link set eth0 address 02:50:61:00:00:a0")
            let followed = waitUntil(timeout: 3) { lab.clientNeighbourMAC() == "02:50:61:00:00:a0" }
            measured("Master's MAC changed -> the client's neighbour entry has the new MAC", followed, bound: 0)
            #expect(followed != nil, "client has \(lab.clientNeighbourMAC() ?? "none"); \(lab.log("node0.log"))")
            #expect(lab.log("node0.log").contains("has MAC 02:50:61:00:00:a0 now"))
            #expect(lab.clientReachesVirtualAddress())
            Shell.must("ip -n \(lab.nodes[1]) link set eth0 address 02:50:61:00:00:a1")
            usleep(300_000)
            lab.crash(master)
            try #require(waitUntil(timeout: masterDown(100) + 3) { lab.holdsVirtualAddress(1) } != nil, "\(lab.log("node1.log"))")
            let moved = waitUntil(timeout: 3) { lab.clientNeighbourMAC() == "02:50:61:00:00:a1" }
            #expect(moved != nil, "client has \(lab.clientNeighbourMAC() ?? "none")")
            #expect(lab.clientReachesVirtualAddress())
        }

        @Test("the Master's own address removed: it resigns into FAULT (reason in status), the Backup is the one holder; the address back, it preempts again")
        func sourceAddressRemoved() throws {
            guard let lab = openLab(tag: "sa", subnet: 62, nodes: 2) else { return }
            defer { lab.tearDown() }
            try startPair(lab)
            Shell.must("ip -n \(lab.nodes[0]) addr del \(lab.address(of: 0))/24 dev eth0")
            // Its priority-0 advert cannot leave without a source address, so the Backup waits
            // out Master_Down_Interval, as after a crash.
            let moved = waitUntil(timeout: masterDown(100) + 3) { lab.holders() == [1] }
            measured("Master's own address removed -> the Backup is the one holder", moved, bound: masterDown(100))
            #expect(moved != nil, "holders \(lab.holders()); \(lab.log("node0.log"))")
            #expect(lab.status(0)?["state"] as? String == "FAULT")
            #expect(lab.status(0)?["fault"] as? String == "no IPv4 address on eth0 to advertise from", "\(lab.log("node0.log"))")
            // It stays that way: one holder over a whole Master_Down_Interval.
            var holders: Set<[Int]> = []
            _ = waitUntil(timeout: masterDown(100)) { holders.insert(lab.holders()); return false }
            #expect(holders == [[1]], "holders over time: \(holders)")
            Shell.must("ip -n \(lab.nodes[0]) addr add \(lab.address(of: 0))/24 dev eth0")
            let back = waitUntil(timeout: masterDown(200) + 3) { lab.holders() == [0] }
            #expect(back != nil, "\(lab.log("node0.log"))")
            let status = try #require(lab.status(0), "no status from node 0")
            #expect(status["state"] as? String == "MASTER")
            #expect(status["fault"] == nil || status["fault"] is NSNull)
        }

        @Test("a burst is never cut short: a VIP on a down device listed first keeps no other VIP from its gratuitous ARPs; the failure is counted per address")
        func announcementFailures() throws {
            guard let lab = openLab(tag: "gf", subnet: 63, nodes: 1) else { return }
            defer { lab.tearDown() }
            Shell.must("ip -n \(lab.nodes[0]) link add eth1 type veth peer name eth1p")  // left down: its frames fail
            let config = lab.config(priority: 200)
                .replacingOccurrences(of: "\(lab.virtualAddress)/24", with: "10.250.63.101/24 dev eth1\n        \(lab.virtualAddress)/24")
            let heard = lab.gratuitousARPs { lab.startVipkeeper(node: 0, config: config) }
            #expect(heard == 10, "\(lab.log("arp.log"))\n\(lab.log("node0.log"))")
            let status = try #require(lab.status(0), "no status: \(lab.log("node0.log"))")
            let addresses = try #require(status["virtualAddresses"] as? [[String: Any]])
            try #require(addresses.count == 2)
            #expect(addresses[0]["address"] as? String == "10.250.63.101/24 dev eth1")
            #expect((addresses[0]["announceFailures"] as? Int ?? 0) >= 2, "\(addresses)")
            #expect(addresses[1]["announceFailures"] as? Int == 0, "\(addresses)")
            #expect((status["gratuitousARPErrors"] as? Int ?? 0) >= 2)
            #expect(lab.log("node0.log").contains("announcing 10.250.63.101/24 dev eth1 failed"), "\(lab.log("node0.log"))")
            let text = Shell.run("\(NetworkLab.vipkeeper) status --socket \(lab.socket(0))")
            #expect((0...2).contains(text.status), "status failed: \(text.output)")
            #expect(text.output.contains("10.250.63.101/24 dev eth1: ") && text.output.contains("gratuitous ARP / NA frames could not be sent"),
                    "the text status does not name the failing announcements: \(text.output)")
        }
    }
}
