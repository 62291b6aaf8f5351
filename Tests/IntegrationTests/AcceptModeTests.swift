import Foundation
import Testing

extension NamespaceSuites {
    /// `accept` / `no_accept` (RFC 5798 §6.4.3 Accept_Mode) on the wire: a non-owner Master
    /// without it holds the VIP (the client resolves it to the Master's MAC) but drops what is
    /// addressed to it, exactly as keepalived does with its own nftables table.
    @Suite("accept / no_accept on the wire, against keepalived", .serialized)
    struct AcceptModeTests {
        private func pingable(_ lab: NetworkLab) -> Bool {
            // Two tries: the first ping of a fresh neighbour entry may be lost to resolution.
            lab.clientReachesVirtualAddress() || lab.clientReachesVirtualAddress()
        }

        private func table(_ lab: NetworkLab, _ node: Int, _ name: String, family: String = "inet") -> String {
            Shell.run("ip netns exec \(lab.nodes[node]) nft list table \(family) \(name)").output
        }

        @Test("no_accept: vipkeeper Master holds the VIP and drops pings to it; after SIGTERM its table is gone and keepalived (accept) answers")
        func vipkeeperNoAccept() throws {
            guard keepalivedInstalled(), let lab = openLab(tag: "na", subnet: 90, nodes: 2) else { return }
            defer { lab.tearDown() }
            let ours = lab.startVipkeeper(node: 0, config: lab.config(priority: 200, extra: "    no_accept\n"))
            lab.startKeepalived(node: 1, config: lab.config(priority: 100))
            try #require(waitUntil(timeout: masterDown(200) + 3) { lab.holders() == [0] } != nil,
                         "\(lab.log("node0.log"))\n\(lab.log("keepalived1.log"))")
            let rules = table(lab, 0, "vipkeeper")
            #expect(rules.contains(lab.virtualAddress) && rules.contains("ip daddr @vips4 drop"), "nft: \(rules)")
            #expect(!pingable(lab), "a no_accept Master answered a ping to its VIP")
            #expect(lab.clientNeighbourMAC() == lab.mac(of: 0), "the VIP still resolves to the Master")
            let report = try #require(lab.report(0), "no status from node 0")
            let dropRules = try #require(report["dropRules"] as? [String: Any], "\(report)")
            #expect(dropRules["addresses"] as? [String] == [lab.virtualAddress])

            kill(ours, SIGTERM)
            #expect(waitUntil(timeout: skew(100) + 3) { lab.holders() == [1] } != nil)
            #expect(lab.stop(ours))
            #expect(Shell.run("ip netns exec \(lab.nodes[0]) nft list tables").output.contains("vipkeeper") == false,
                    "the table outlived the daemon")
            #expect(pingable(lab), "keepalived (accept by default) does not answer on the VIP")
        }

        @Test("keepalived with no_accept drops the same way; vipkeeper with accept answers after it takes over")
        func keepalivedNoAccept() throws {
            guard keepalivedInstalled(), let lab = openLab(tag: "nk", subnet: 91, nodes: 2) else { return }
            defer { lab.tearDown() }
            let theirs = lab.startKeepalived(node: 0, config: lab.config(priority: 200, extra: "    no_accept\n"))
            lab.startVipkeeper(node: 1, config: lab.config(priority: 100, extra: "    accept\n"))
            try #require(waitUntil(timeout: masterDown(200) + 3) { lab.holders() == [0] } != nil,
                         "\(lab.log("keepalived0.log"))\n\(lab.log("node1.log"))")
            #expect(!pingable(lab), "keepalived with no_accept answered: the reference behaviour changed")
            #expect(table(lab, 0, "keepalived", family: "ip").contains(lab.virtualAddress))
            kill(theirs, SIGTERM)
            #expect(waitUntil(timeout: skew(100) + 3) { lab.holders() == [1] } != nil, "\(lab.log("node1.log"))")
            #expect(pingable(lab), "vipkeeper with accept does not answer on the VIP")
            #expect(Shell.run("ip netns exec \(lab.nodes[1]) nft list tables").output.contains("vipkeeper") == false,
                    "an accepting node touched nftables")
        }

        @Test("no_accept over IPv6 (VRRPv3): the VIP resolves to the Master by neighbour discovery, which passes the rules, but pings to it go unanswered")
        func ipv6NoAccept() throws {
            guard let lab = openLab(tag: "n6", subnet: 94, nodes: 1) else { return }
            defer { lab.tearDown() }
            lab.startVipkeeper(node: 0, config: lab.config3(priority: 200, family: "ipv6", interval: "0.1", extra: "    no_accept\n"))
            try #require(waitUntil(timeout: 5) { lab.holders6() == [0] } != nil, "\(lab.log("node0.log"))")
            #expect(table(lab, 0, "vipkeeper").contains(lab.virtualAddress6))
            #expect(!(lab.clientReaches("ipv6") || lab.clientReaches("ipv6")), "a no_accept Master answered a ping to its IPv6 VIP")
            #expect(lab.clientNeighbourMAC("ipv6") == lab.mac(of: 0), "neighbour discovery for the VIP must pass the drop rules")
        }
    }
}
