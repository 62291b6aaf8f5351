import Testing
@testable import VRRP

/// keepalived 2.2's receive rules for `unicast_peer` (vrrp.c `vrrp_check_packet`,
/// `check_ttl_hl`): §7.1's TTL-255 rule is for multicast; a unicast peer may be routed.
@Suite("unicast receive validation (keepalived unicast_peer rules)")
struct UnicastValidationTests {
    let vips = [IPv4Address(10, 250, 0, 100)]
    let me = IPv4Address(10, 250, 71, 1)
    let peer = IPv4Address(10, 250, 72, 2)
    let stranger = IPv4Address(10, 250, 73, 3)

    func validator(_ unicast: UnicastReception?) -> AdvertisementValidator {
        var local = RouterConfiguration(virtualRouterID: 42, virtualAddresses: vips, localAddress: me)
        local.unicast = unicast
        return AdvertisementValidator([local])
    }

    func datagram(ttl: UInt8, from source: IPv4Address, to destination: IPv4Address? = nil, vrid: UInt8 = 42) -> VRRPDatagram {
        let payload = Advertisement(virtualRouterID: vrid, priority: 100, advertisementInterval: 1, authentication: .none,
                                    addresses: vips).encoded()
        return VRRPDatagram(source: .v4(source), destination: .v4(destination ?? me), hopLimit: ttl, payload: payload)
    }

    let anyPeer = UnicastReception(peers: [.v4(IPv4Address(10, 250, 72, 2)): .any], checksSource: false)

    @Test("a unicast advert that crossed three routers (TTL 252) is accepted, as keepalived 2.2.7 does")
    func routedAccepted() throws {
        let received = try validator(anyPeer).validate(datagram(ttl: 252, from: peer))
        #expect(received.source == .v4(peer))
        // Without check_unicast_src, any source and any TTL (keepalived's default).
        _ = try validator(anyPeer).validate(datagram(ttl: 1, from: stranger))
    }

    @Test("a multicast advert still needs TTL 255, even for a unicast router")
    func multicastKeepsRule() {
        #expect(throws: DropReason.ttlNot255(252)) {
            try validator(anyPeer).validate(datagram(ttl: 252, from: peer, to: .vrrpMulticastGroup))
        }
    }

    @Test("a multicast router keeps TTL 255 for adverts sent to its own address (no off-link injection)")
    func multicastRouterUnicastAdvert() throws {
        #expect(throws: DropReason.ttlNot255(252)) { try validator(nil).validate(datagram(ttl: 252, from: peer)) }
        _ = try validator(nil).validate(datagram(ttl: 255, from: peer))
    }

    @Test("min_ttl / max_ttl bound the arriving TTL, inclusive; outside is ip_ttl_err")
    func bounds() throws {
        let range = TTLRange(minimum: 252, maximum: 253)
        let v = validator(UnicastReception(peers: [.v4(peer): range], checksSource: true))
        _ = try v.validate(datagram(ttl: 252, from: peer))
        _ = try v.validate(datagram(ttl: 253, from: peer))
        #expect(throws: DropReason.ttlOutOfRange(251, range)) { try v.validate(datagram(ttl: 251, from: peer)) }
        #expect(throws: DropReason.ttlOutOfRange(254, range)) { try v.validate(datagram(ttl: 254, from: peer)) }
        #expect(throws: DropReason.ttlOutOfRange(255, range)) { try v.validate(datagram(ttl: 255, from: peer)) }
        #expect(DropReason.ttlOutOfRange(255, range).counter == .ipTTL)
    }

    @Test("min_ttl above max_ttl drops everything (keepalived warns and runs)")
    func emptyRange() {
        let range = TTLRange(minimum: 200, maximum: 100)
        #expect(range.isEmpty)
        let v = validator(UnicastReception(peers: [.v4(peer): range], checksSource: true))
        for ttl: UInt8 in [0, 100, 150, 200, 255] {
            #expect(throws: DropReason.ttlOutOfRange(ttl, range)) { try v.validate(datagram(ttl: ttl, from: peer)) }
        }
    }

    @Test("check_unicast_src drops a source that is not a unicast_peer, counted as unknown_unicast_src")
    func checkSource() throws {
        let v = validator(UnicastReception(peers: [.v4(peer): .any], checksSource: true))
        _ = try v.validate(datagram(ttl: 250, from: peer))
        #expect(throws: DropReason.unknownUnicastSource(.v4(stranger))) { try v.validate(datagram(ttl: 255, from: stranger)) }
        #expect(DropReason.unknownUnicastSource(.v4(stranger)).counter.rawValue == "unknown_unicast_src")
    }

    @Test("the unicast checks come after the VRID lookup: another router's advert stays silent")
    func vridFirst() {
        let v = validator(UnicastReception(peers: [.v4(peer): .any], checksSource: true))
        #expect(throws: DropReason.unknownVirtualRouter(7)) { try v.validate(datagram(ttl: 1, from: stranger, vrid: 7)) }
    }
}
