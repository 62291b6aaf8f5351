import Foundation
import Testing

/// Two nodes in different subnets with three routers between them, as unicast VRRP runs
/// across a routed network:
///
///     n0 10.250.81.10 ─ br0 ─ r0 ─ 10.250.82.0/24 ─ r1 ─ 10.250.83.0/24 ─ r2 ─ 10.250.84.11 n1
///
/// An advert sent with TTL 255 arrives with 252. keepalived 2.2.7 accepts it (its TTL check is
/// for multicast, and for unicast peers with `min_ttl` / `max_ttl`); so must vipkeeper.
final class RoutedLab {
    let lab: NetworkLab
    let routers: [String]
    static let nodeAddresses = ["10.250.81.10", "10.250.84.11"]

    init(_ lab: NetworkLab) {
        self.lab = lab
        routers = (0..<3).map { "\(lab.prefix)r\($0)" }
        let sw = "\(lab.prefix)sw"
        let (r0, r1, r2) = (routers[0], routers[1], routers[2])
        let (n0, n1) = (lab.nodes[0], lab.nodes[1])
        for router in routers {
            Shell.run("ip netns del \(router) 2>/dev/null")
            Shell.must("ip netns add \(router) && ip -n \(router) link set lo up && ip netns exec \(router) sysctl -qw net.ipv4.ip_forward=1")
        }
        Shell.must("""
        ip link add r0lan netns \(sw) type veth peer name eth0 netns \(r0) && \
        ip -n \(sw) link set r0lan master br0 && ip -n \(sw) link set r0lan up && \
        ip -n \(r0) addr add 10.250.81.1/24 dev eth0 && ip -n \(r0) link set eth0 up && \
        ip link add eth1 netns \(r0) type veth peer name eth0 netns \(r1) && \
        ip -n \(r0) addr add 10.250.82.1/24 dev eth1 && ip -n \(r0) link set eth1 up && \
        ip -n \(r1) addr add 10.250.82.2/24 dev eth0 && ip -n \(r1) link set eth0 up && \
        ip link add eth1 netns \(r1) type veth peer name eth0 netns \(r2) && \
        ip -n \(r1) addr add 10.250.83.1/24 dev eth1 && ip -n \(r1) link set eth1 up && \
        ip -n \(r2) addr add 10.250.83.2/24 dev eth0 && ip -n \(r2) link set eth0 up && \
        ip -n \(sw) link set p1 nomaster && ip -n \(sw) link set p1 netns \(r2) && ip -n \(r2) link set p1 name eth1 && \
        ip -n \(r2) addr add 10.250.84.1/24 dev eth1 && ip -n \(r2) link set eth1 up && \
        ip -n \(n1) addr flush dev eth0 && ip -n \(n1) addr add 10.250.84.11/24 dev eth0 && \
        ip -n \(n0) route add 10.250.84.0/24 via 10.250.81.1 && \
        ip -n \(n1) route add 10.250.81.0/24 via 10.250.84.1 && \
        ip -n \(r0) route add 10.250.84.0/24 via 10.250.82.2 && \
        ip -n \(r1) route add 10.250.81.0/24 via 10.250.82.1 && ip -n \(r1) route add 10.250.84.0/24 via 10.250.83.2 && \
        ip -n \(r2) route add 10.250.81.0/24 via 10.250.83.1
        """)
        // The path works, and it is three hops: ping's reply from n1 arrives with TTL 64 - 3.
        let ping = Shell.run("ip netns exec \(n0) ping -c 1 -W 2 10.250.84.11")
        #expect(ping.output.contains("ttl=61"), "n0 -> n1 across three routers: \(ping.output)")
    }

    func tearDown() {
        for router in routers { Shell.run("ip netns del \(router) 2>/dev/null") }
        lab.tearDown()
    }

    /// A keepalived.conf both daemons read: unicast to the other node, `peerOptions` after the
    /// peer's address (`min_ttl N max_ttl N`), `extra` inside the instance.
    func config(node: Int, priority: Int, peerOptions: String = "", extra: String = "") -> String {
        """
        vrrp_instance VI_1 {
            state BACKUP
            interface eth0
            virtual_router_id 81
            priority \(priority)
            advert_int 1
            unicast_src_ip \(Self.nodeAddresses[node])
            unicast_peer {
                \(Self.nodeAddresses[1 - node]) \(peerOptions)
            }
        \(extra)
            virtual_ipaddress {
                \(lab.virtualAddress)/32
            }
        }

        """
    }

    func drops(_ node: Int) -> [String: Int] { lab.status(node)?["drops"] as? [String: Int] ?? [:] }
}

/// Long enough after both started that a Backup that heard nothing would have taken over
/// (Master_Down_Interval of priority 100 is 3.6 s), with margin for a loaded machine.
private let settle: UInt32 = 6_000_000

extension NamespaceSuites {
    @Suite("unicast peers across routers (keepalived's TTL rules)", .serialized)
    struct RoutedUnicastTests {
        func openRoutedLab(_ tag: String) -> RoutedLab? {
            guard let lab = openLab(tag: tag, subnet: 81, nodes: 2) else { return nil }
            return RoutedLab(lab)
        }

        @Test("three routers apart (TTL 252): exactly one Master, the Backup hears it")
        func routedElection() throws {
            guard let routed = openRoutedLab("ru") else { return }
            defer { routed.tearDown() }
            let lab = routed.lab
            lab.startVipkeeper(node: 0, config: routed.config(node: 0, priority: 200))
            lab.startVipkeeper(node: 1, config: routed.config(node: 1, priority: 100))
            #expect(waitUntil(timeout: masterDown(200) + 3) { lab.holders() == [0] } != nil, "\(lab.log("node1.log"))")
            usleep(settle)
            #expect(lab.holders() == [0], "split brain: \(lab.log("node1.log"))")
            let before = try #require(lab.status(1))
            #expect(before["state"] as? String == "BACKUP")
            #expect(before["master"] as? String == RoutedLab.nodeAddresses[0])
            let heard = try #require(before["advertisementsReceived"] as? Int, "\(before)")
            usleep(2_000_000)
            let after = try #require(lab.status(1)?["advertisementsReceived"] as? Int)
            #expect(after - heard >= 1, "the Backup heard \(after - heard) adverts in 2 s")
            #expect(routed.drops(1)["ip_ttl_err"] == nil, "\(routed.drops(1))")
        }

        @Test("unicast_ttl 254 arrives as 251, inside min_ttl 251 max_ttl 251 (bounds inclusive)")
        func unicastTTLWithinBounds() throws {
            guard let routed = openRoutedLab("rt") else { return }
            defer { routed.tearDown() }
            let lab = routed.lab
            lab.startVipkeeper(node: 0, config: routed.config(node: 0, priority: 200, extra: "    unicast_ttl 254"))
            lab.startVipkeeper(node: 1, config: routed.config(node: 1, priority: 100, peerOptions: "min_ttl 251 max_ttl 251"))
            usleep(settle)
            #expect(lab.holders() == [0], "\(lab.log("node1.log"))")
            #expect(lab.status(1)?["master"] as? String == RoutedLab.nodeAddresses[0])
            #expect(routed.drops(1)["ip_ttl_err"] == nil, "\(routed.drops(1))")
        }

        @Test("min_ttl above the arriving TTL: the advert is dropped (ip_ttl_err) and the Backup becomes Master")
        func minTTLDrops() throws {
            guard let routed = openRoutedLab("rm") else { return }
            defer { routed.tearDown() }
            let lab = routed.lab
            lab.startVipkeeper(node: 0, config: routed.config(node: 0, priority: 200))
            lab.startVipkeeper(node: 1, config: routed.config(node: 1, priority: 100, peerOptions: "min_ttl 253"))
            #expect(waitUntil(timeout: masterDown(100) + 4) { lab.holders() == [0, 1] } != nil, "\(lab.log("node1.log"))")
            let status = try #require(lab.status(1))
            #expect(status["state"] as? String == "MASTER")
            #expect((routed.drops(1)["ip_ttl_err"] ?? 0) > 0, "\(routed.drops(1))")
            #expect(lab.log("node1.log").contains("not in the peer's min_ttl/max_ttl range [253, 255]"), "\(lab.log("node1.log"))")
        }

        @Test("keepalived 2.2 on the other side of the routers, each way round")
        func withKeepalived() throws {
            guard keepalivedInstalled() else { return }
            do {
                // vipkeeper Master: keepalived accepts its routed adverts and stays Backup.
                guard let routed = openRoutedLab("rk") else { return }
                defer { routed.tearDown() }
                let lab = routed.lab
                lab.startVipkeeper(node: 0, config: routed.config(node: 0, priority: 200))
                lab.startKeepalived(node: 1, config: routed.config(node: 1, priority: 100))
                usleep(settle)
                #expect(lab.holders() == [0], "keepalived log:\n\(lab.log("keepalived1.log"))")
                #expect(lab.log("keepalived1.log").contains("Entering BACKUP STATE"))
                #expect(!lab.log("keepalived1.log").contains("Entering MASTER STATE"), "\(lab.log("keepalived1.log"))")
            }
            do {
                // keepalived Master: vipkeeper accepts its routed adverts and stays Backup.
                guard let routed = openRoutedLab("rl") else { return }
                defer { routed.tearDown() }
                let lab = routed.lab
                lab.startKeepalived(node: 0, config: routed.config(node: 0, priority: 200))
                lab.startVipkeeper(node: 1, config: routed.config(node: 1, priority: 100))
                usleep(settle)
                #expect(lab.holders() == [0], "vipkeeper log:\n\(lab.log("node1.log"))")
                let status = try #require(lab.status(1))
                #expect(status["state"] as? String == "BACKUP")
                #expect(status["master"] as? String == RoutedLab.nodeAddresses[0])
                #expect(routed.drops(1)["ip_ttl_err"] == nil, "\(routed.drops(1))")
            }
        }
    }
}
