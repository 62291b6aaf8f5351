import Testing
@testable import VRRP

@Suite("receive validation (RFC 3768 §7.1)")
struct AdvertisementValidatorTests {
    let vips = [IPv4Address(10, 250, 0, 100), IPv4Address(10, 250, 0, 101)]
    let peer = IPv4Address(10, 250, 0, 2)
    var local: RouterConfiguration {
        RouterConfiguration(virtualRouterID: 42, authentication: .password("harbor"), virtualAddresses: vips,
                            localAddress: IPv4Address(10, 250, 0, 1))
    }
    var validator: AdvertisementValidator { AdvertisementValidator([local]) }

    func packet(vrid: UInt8 = 42, priority: UInt8 = 100, interval: UInt8 = 1,
                auth: Authentication = .password("harbor"), addresses: [IPv4Address]? = nil) -> [UInt8] {
        Advertisement(virtualRouterID: vrid, priority: priority, advertisementInterval: interval, authentication: auth,
                      addresses: addresses ?? vips).encoded()
    }

    @Test("a packet matching the configuration is accepted, address order does not matter")
    func accepts() throws {
        let received = try validator.validate(payload: packet(addresses: vips.reversed()), ttl: 255, source: peer)
        #expect(received.source == .v4(peer))
        #expect(received.advertisement.priority == 100)
        #expect(!received.addressListMismatch)
    }

    @Test("MUST verify that the IP TTL is 255")
    func ttl() {
        #expect(throws: DropReason.ttlNot255(64)) { try validator.validate(payload: packet(), ttl: 64, source: peer) }
    }

    @Test("TTL is checked before anything else, even on garbage")
    func ttlFirst() {
        #expect(throws: DropReason.ttlNot255(1)) { try validator.validate(payload: [0xff], ttl: 1, source: peer) }
    }

    @Test("MUST verify that the VRID is configured on the receiving interface")
    func vrid() {
        #expect(throws: DropReason.unknownVirtualRouter(43)) { try validator.validate(payload: packet(vrid: 43), ttl: 255, source: peer) }
    }

    @Test("MUST verify that the Auth Type matches")
    func authType() {
        #expect(throws: DropReason.authTypeMismatch(received: 0, expected: 1)) {
            try validator.validate(payload: packet(auth: .none), ttl: 255, source: peer)
        }
        var ah = packet()
        ah[4] = 2
        ah[6] = 0; ah[7] = 0
        let sum = InternetChecksum.compute(ah)
        ah[6] = UInt8(sum >> 8); ah[7] = UInt8(sum & 0xff)
        #expect(throws: DropReason.authTypeMismatch(received: 2, expected: 1)) { try validator.validate(payload: ah, ttl: 255, source: peer) }
        ah[4] = 9
        ah[6] = 0; ah[7] = 0
        let sum9 = InternetChecksum.compute(ah)
        ah[6] = UInt8(sum9 >> 8); ah[7] = UInt8(sum9 & 0xff)
        #expect(throws: DropReason.invalidAuthType(9)) { try validator.validate(payload: ah, ttl: 255, source: peer) }
    }

    @Test("a wrong simple password is an auth failure")
    func password() {
        #expect(throws: DropReason.authFailure) { try validator.validate(payload: packet(auth: .password("harbor2")), ttl: 255, source: peer) }
    }

    @Test("MUST verify that the Adver Interval matches")
    func interval() {
        #expect(throws: DropReason.intervalMismatch(received: AdvertisementInterval(seconds: 2), expected: .oneSecond)) {
            try validator.validate(payload: packet(interval: 2), ttl: 255, source: peer)
        }
    }

    @Test("an address-list mismatch is dropped unless the sender is the owner (priority 255)")
    func addressList() throws {
        let other = [IPv4Address(10, 250, 0, 100)]
        #expect(throws: DropReason.addressListMismatch) { try validator.validate(payload: packet(addresses: other), ttl: 255, source: peer) }
        let owner = try validator.validate(payload: packet(priority: 255, addresses: other), ttl: 255, source: peer)
        #expect(owner.addressListMismatch)
    }

    @Test("skip_check_adv_addr: the address list of the current Master's adverts is not compared; a new Master's still is")
    func skipAddressCheck() throws {
        var skipping = local
        skipping.skipAddressListCheck = true
        let validator = AdvertisementValidator([skipping])
        let other = packet(addresses: [IPv4Address(10, 250, 0, 100)])
        let datagram = VRRPDatagram(source: .v4(peer), destination: .v4(.vrrpMulticastGroup), hopLimit: 255, payload: other)
        let received = try validator.validate(datagram) { _ in .v4(peer) }
        #expect(!received.addressListMismatch)
        #expect(throws: DropReason.addressListMismatch) { try validator.validate(datagram) { _ in .v4(IPv4Address(10, 250, 0, 3)) } }
        #expect(throws: DropReason.addressListMismatch) { try validator.validate(datagram) }
        #expect(throws: DropReason.addressListMismatch) { try self.validator.validate(datagram) { _ in .v4(peer) } }
    }

    @Test("several routers on one interface are told apart by VRID")
    func demultiplex() throws {
        var second = local
        second.virtualRouterID = 43
        second.authentication = .none
        let shared = AdvertisementValidator([local, second])
        #expect(try shared.validate(payload: packet(vrid: 43, auth: .none), ttl: 255, source: peer).advertisement.virtualRouterID == 43)
        #expect(try shared.validate(payload: packet(vrid: 42), ttl: 255, source: peer).advertisement.virtualRouterID == 42)
    }

    @Test("every drop reason maps to a keepalived counter name")
    func counters() {
        #expect(DropReason.ttlNot255(1).counter.rawValue == "ip_ttl_err")
        #expect(DropReason.intervalMismatch(received: .oneSecond, expected: AdvertisementInterval(seconds: 2)).counter.rawValue == "advert_interval_err")
        #expect(DropReason.addressListMismatch.counter.rawValue == "addr_list_err")
        #expect(DropReason.authFailure.counter.rawValue == "auth_failure")
        #expect(DropReason.checksumMismatch(received: 1, computed: 2).description == "checksum 0x0001 does not match computed 0x0002")
    }
}
