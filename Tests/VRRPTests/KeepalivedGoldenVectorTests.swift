import Testing
@testable import VRRP

/// Byte-exact vectors captured from a real keepalived 2.2.7 (Debian 12 package).
///
/// How they were captured: `scripts/golden/capture-keepalived-adverts.sh` starts keepalived
/// with `scripts/golden/keepalived-pass.conf` and `keepalived-noauth.conf` in a namespace joined
/// by a veth to a second namespace, captures `ip proto 112` there with tcpdump, stops keepalived
/// with SIGTERM, and prints the VRRP payload (IP header stripped) of the first advert and of the
/// last one (the priority-0 advert keepalived sends on shutdown). Both IP headers had TTL 255,
/// TOS 0xc0, destination 224.0.0.18 and source 10.250.99.1 (the interface's primary address).
@Suite("keepalived golden vectors")
struct KeepalivedGoldenVectorTests {
    // keepalived-pass.conf: VRID 251, priority 100, advert_int 1, auth PASS "1111", VIP 10.250.99.66
    static let passMaster = "21fb64010101a8630afa63423131313100000000"
    static let passResign = "21fb000101010c640afa63423131313100000000"
    // keepalived-noauth.conf: VRID 51, priority 150, advert_int 2, no auth,
    // VIPs 10.250.99.66/24 and 10.250.99.67 (the prefix is not carried on the wire)
    static let noAuthMaster = "2133960200026c4e0afa63420afa63430000000000000000"
    static let noAuthResign = "213300020002024f0afa63420afa63430000000000000000"

    static let vip66 = IPv4Address(10, 250, 99, 66)
    static let vip67 = IPv4Address(10, 250, 99, 67)

    @Test("our encoder produces keepalived's bytes", arguments: [
        (passMaster, UInt8(251), UInt8(100), UInt8(1), Authentication.password("1111"), [vip66]),
        (passResign, 251, 0, 1, .password("1111"), [vip66]),
        (noAuthMaster, 51, 150, 2, .none, [vip66, vip67]),
        (noAuthResign, 51, 0, 2, .none, [vip66, vip67]),
    ])
    func encodeMatches(vector: String, vrid: UInt8, priority: UInt8, interval: UInt8, auth: Authentication, addresses: [IPv4Address]) {
        let advert = Advertisement(virtualRouterID: vrid, priority: priority, advertisementInterval: interval,
                                   authentication: auth, addresses: addresses)
        #expect(hex(advert.encoded()) == vector)
    }

    @Test("keepalived's bytes decode to the configured fields")
    func decodeMatches() throws {
        let advert = try Advertisement.decode(bytes(hex: Self.noAuthMaster))
        #expect(advert.virtualRouterID == 51)
        #expect(advert.priority == 150)
        #expect(advert.advertisementInterval == 2)
        #expect(advert.authenticationType == 0)
        #expect(advert.addresses == [.v4(Self.vip66), .v4(Self.vip67)])
        let pass = try Advertisement.decode(bytes(hex: Self.passMaster))
        #expect(pass.authenticationType == 1)
        #expect(pass.authenticationData == Array("1111".utf8) + [0, 0, 0, 0])
    }

    @Test("a validator configured like the keepalived instance accepts its adverts")
    func validatorAccepts() throws {
        let config = RouterConfiguration(virtualRouterID: 251, basePriority: 90, authentication: .password("1111"),
                                         virtualAddresses: [Self.vip66], localAddress: IPv4Address(10, 250, 99, 2))
        let validator = AdvertisementValidator([config])
        let received = try validator.validate(payload: bytes(hex: Self.passMaster), ttl: 255, source: IPv4Address(10, 250, 99, 1))
        #expect(received.advertisement.priority == 100)
        #expect(received.addressListMismatch == false)
        // The same bytes with a wrong password configured locally.
        let wrong = AdvertisementValidator([RouterConfiguration(virtualRouterID: 251, authentication: .password("2222"),
                                                                virtualAddresses: [Self.vip66], localAddress: IPv4Address(10, 250, 99, 2))])
        #expect(throws: DropReason.authFailure) {
            try wrong.validate(payload: bytes(hex: Self.passMaster), ttl: 255, source: IPv4Address(10, 250, 99, 1))
        }
    }
}
