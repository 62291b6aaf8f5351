import Testing
@testable import VRRP

/// Byte-exact VRRPv3 vectors captured from a real keepalived 2.2.7 (Debian 12 package), for
/// IPv4 and IPv6, by `scripts/golden/capture-keepalived-adverts.sh` with
/// `scripts/golden/keepalived-v3-ipv4.conf` and `keepalived-v3-ipv6.conf`: the first advert
/// and the priority-0 advert keepalived sends on SIGTERM, with the addresses of the IP header
/// (the v3 checksum covers them, RFC 5798 §5.2.8). Both had TTL / hop limit 255. The IPv6
/// source is the link-local address of the capture's veth.
@Suite("keepalived VRRPv3 golden vectors")
struct KeepalivedV3GoldenVectorTests {
    // keepalived-v3-ipv4.conf: VRID 52, priority 120, advert_int 0.1, VIPs 10.250.99.66/24 and .67,
    // from 10.250.99.1 to 224.0.0.18.
    static let ipv4Master = "31347802000a2bb70afa63420afa6343"
    static let ipv4Resign = "31340002000aa3b70afa63420afa6343"
    static let ipv4Source = IPAddress.v4(IPv4Address(10, 250, 99, 1))
    static let ipv4Addresses: [IPAddress] = [.v4(IPv4Address(10, 250, 99, 66)), .v4(IPv4Address(10, 250, 99, 67))]
    // keepalived-v3-ipv6.conf: VRID 53, priority 110, advert_int 0.25, VIPs fd00:250:99::66/64
    // and fd00:250:99::67, from fe80::c82:d6ff:fe12:6002 to ff02::12.
    static let ipv6Master = "31356e0200192049fd000250009900000000000000000066fd000250009900000000000000000067"
    static let ipv6Resign = "3135000200198e49fd000250009900000000000000000066fd000250009900000000000000000067"
    static let ipv6Source = IPAddress("fe80::c82:d6ff:fe12:6002")!
    static let ipv6Addresses: [IPAddress] = [IPAddress("fd00:250:99::66")!, IPAddress("fd00:250:99::67")!]

    @Test("our encoder produces keepalived's bytes", arguments: [
        (ipv4Master, UInt8(52), UInt8(120), UInt16(10), ipv4Source, IPAddress.v4(.vrrpMulticastGroup), ipv4Addresses),
        (ipv4Resign, 52, 0, 10, ipv4Source, .v4(.vrrpMulticastGroup), ipv4Addresses),
        (ipv6Master, 53, 110, 25, ipv6Source, .v6(.vrrpMulticastGroup), ipv6Addresses),
        (ipv6Resign, 53, 0, 25, ipv6Source, .v6(.vrrpMulticastGroup), ipv6Addresses),
    ])
    func encodeMatches(vector: String, vrid: UInt8, priority: UInt8, centiseconds: UInt16, source: IPAddress,
                       destination: IPAddress, addresses: [IPAddress]) {
        let advert = Advertisement(version: .v3, virtualRouterID: vrid, priority: priority,
                                   interval: AdvertisementInterval(centiseconds: centiseconds), addresses: addresses)
        #expect(hex(advert.encoded(from: source, to: destination)) == vector)
    }

    @Test("keepalived's bytes decode to the configured fields")
    func decodeMatches() throws {
        let v4 = try Advertisement.decode(bytes(hex: Self.ipv4Master), from: Self.ipv4Source, to: .v4(.vrrpMulticastGroup))
        #expect(v4.version == .v3 && v4.virtualRouterID == 52 && v4.priority == 120)
        #expect(v4.interval == AdvertisementInterval(centiseconds: 10))
        #expect(v4.addresses == Self.ipv4Addresses)
        let v6 = try Advertisement.decode(bytes(hex: Self.ipv6Master), from: Self.ipv6Source, to: .v6(.vrrpMulticastGroup))
        #expect(v6.version == .v3 && v6.virtualRouterID == 53 && v6.priority == 110)
        #expect(v6.interval == AdvertisementInterval(centiseconds: 25))
        #expect(v6.addresses == Self.ipv6Addresses)
    }

    @Test("the checksum covers the pseudo-header: another source or destination fails it (§5.2.8)")
    func pseudoHeader() {
        let other = IPAddress.v4(IPv4Address(10, 250, 99, 2))
        #expect(throws: DropReason.self) {
            try Advertisement.decode(bytes(hex: Self.ipv4Master), from: other, to: .v4(.vrrpMulticastGroup))
        }
        #expect(throws: DropReason.self) {
            try Advertisement.decode(bytes(hex: Self.ipv6Master), from: Self.ipv6Source, to: IPAddress("ff02::1")!)
        }
        // An IPv4 v3 message read as IPv6 does not have the length its count says.
        #expect(throws: DropReason.lengthMismatch(received: 16, expected: 40)) {
            try Advertisement.decode(bytes(hex: Self.ipv4Master), from: Self.ipv6Source, to: .v6(.vrrpMulticastGroup))
        }
    }

    @Test("a v3 validator configured like the keepalived instance accepts its adverts, whatever our own interval")
    func validatorAccepts() throws {
        let config = RouterConfiguration(virtualRouterID: 53, basePriority: 90, version: .v3, advertisementInterval: .oneSecond,
                                         virtualAddresses: Self.ipv6Addresses, localAddress: IPAddress("fe80::2")!)
        let datagram = VRRPDatagram(source: Self.ipv6Source, destination: .v6(.vrrpMulticastGroup), hopLimit: 255,
                                    payload: bytes(hex: Self.ipv6Master))
        let received = try AdvertisementValidator([config]).validate(datagram)
        #expect(received.advertisement.priority == 110)
        #expect(received.source == Self.ipv6Source)
        var hop = datagram
        hop.hopLimit = 64
        #expect(throws: DropReason.ttlNot255(64)) { try AdvertisementValidator([config]).validate(hop) }
        // A v2 router with the same VRID drops the v3 packet: one router, one version.
        var v2 = config
        v2.version = .v2
        v2.localAddress = .v4(IPv4Address(10, 250, 99, 2))
        v2.virtualAddresses = Self.ipv4Addresses
        let v4Datagram = VRRPDatagram(source: Self.ipv4Source, destination: .v4(.vrrpMulticastGroup), hopLimit: 255,
                                      payload: bytes(hex: Self.ipv4Master))
        v2.virtualRouterID = 52
        #expect(throws: DropReason.versionMismatch(received: 3, expected: 2)) { try AdvertisementValidator([v2]).validate(v4Datagram) }
    }
}
