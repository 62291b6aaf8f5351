import Testing
import ControlProtocol
import VRRP
@testable import Node

/// A unicast instance in the node: keepalived's rules for routed peers reach the demux (drops
/// counted against the instance) and `unicast_ttl` reaches the outbound advert.
@Suite("node: unicast peers behind routers (keepalived's TTL rules)")
struct UnicastReceiveTests {
    let me = IPv4Address(10, 250, 1, 11)
    let peer = IPv4Address(10, 250, 9, 12)

    func harness(peerOptions: String = "", extra: String = "") throws -> NodeHarness {
        try NodeHarness(instanceText(extra: """
            unicast_src_ip 10.250.1.11
            unicast_peer {
                10.250.9.12 \(peerOptions)
            }
        \(extra)
        """))
    }

    func report(_ harness: NodeHarness) -> StatusReport {
        harness.node.status(now: harness.now, daemon: DaemonInfo(version: "t", pid: 1, startedAt: .origin, configurationFile: nil))
    }

    @Test("an advert from a peer three routers away (TTL 252) is heard, not dropped")
    func routedAdvertHeard() throws {
        let harness = try harness()
        harness.receive(priority: 200, from: peer, ttl: 252, to: me)
        let instance = report(harness).instances[0]
        #expect(instance.drops.isEmpty)
        #expect(instance.advertisementsReceived == 1)
    }

    @Test("min_ttl / max_ttl: outside is ip_ttl_err; check_unicast_src: a stranger is unknown_unicast_src, logged")
    func boundsAndSource() throws {
        let harness = try harness(peerOptions: "min_ttl 250 max_ttl 253")
        harness.receive(priority: 200, from: peer, ttl: 252, to: me)
        harness.receive(priority: 200, from: peer, ttl: 249, to: me)
        harness.receive(priority: 200, from: IPv4Address(10, 250, 1, 13), ttl: 255, to: me)
        let instance = report(harness).instances[0]
        #expect(instance.advertisementsReceived == 1)
        #expect(instance.drops == ["ip_ttl_err": 1, "unknown_unicast_src": 1])
        #expect(harness.log(containing: "[VI_1] dropped packet from 10.250.9.12: IP TTL is 249, not in the peer's min_ttl/max_ttl range [250, 253] (ip_ttl_err)"))
        #expect(harness.log(containing: "[VI_1] dropped packet from 10.250.1.13: unicast source 10.250.1.13 is not a unicast_peer"))
    }

    @Test("unicast_ttl is the TTL of every unicast advert; without it the socket's 255 (nil)")
    func sendTTL() throws {
        let set = try harness(extra: "    unicast_ttl 64")
        set.advance(by: .seconds(10))
        let sent = set.effects.compactMap { if case .send(let outbound) = $0 { outbound } else { nil } }
        #expect(!sent.isEmpty)
        #expect(sent.allSatisfy { $0.ttl == 64 && $0.destinations == [.v4(peer)] })
        let unset = try harness()
        unset.advance(by: .seconds(10))
        let plain = unset.effects.compactMap { if case .send(let outbound) = $0 { outbound } else { nil } }
        #expect(!plain.isEmpty && plain.allSatisfy { $0.ttl == nil })
    }
}
