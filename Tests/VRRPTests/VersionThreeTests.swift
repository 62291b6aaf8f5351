import Testing
@testable import VRRP

private let local6 = IPAddress("fe80::5")!
private let lower6 = IPAddress("fe80::3")!
private let higher6 = IPAddress("fe80::9")!
private let vip6 = IPAddress("fd00:250::100")!
private let tenth = AdvertisementInterval(centiseconds: 10)

private func config3(priority: UInt8 = 100, interval: AdvertisementInterval = tenth, preempt: Bool = true) -> RouterConfiguration {
    RouterConfiguration(virtualRouterID: 51, basePriority: priority, version: .v3, advertisementInterval: interval,
                        preempt: preempt, virtualAddresses: [vip6], localAddress: local6)
}

private func advert3(_ priority: UInt8, interval: AdvertisementInterval = tenth, from source: IPAddress = higher6) -> RouterEvent {
    .advertisement(ReceivedAdvertisement(
        advertisement: Advertisement(version: .v3, virtualRouterID: 51, priority: priority, interval: interval, addresses: [vip6]),
        source: source))
}

private func ns(_ value: Int64) -> Duration { .nanoseconds(value) }

@Suite("IPv6 addresses")
struct IPv6AddressTests {
    @Test("RFC 4291 text parses, RFC 5952 text prints", arguments: [
        ("ff02::12", "ff02::12"), ("FD00:250::1", "fd00:250::1"), ("::", "::"), ("::1", "::1"),
        ("fe80:0:0:0:c82:d6ff:fe12:6002", "fe80::c82:d6ff:fe12:6002"), ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
        ("2001:db8::", "2001:db8::"), ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"), ("1:0:3:4:5:6:7:8", "1:0:3:4:5:6:7:8"),
    ])
    func parse(text: String, printed: String) throws {
        let address = try #require(IPv6Address(text))
        #expect(address.description == printed)
        #expect(IPv6Address(octets: address.octets) == address)
    }

    @Test("malformed text is rejected", arguments: [
        "", ":", ":::", "1::2::3", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "12345::", "fe80::1%eth0", "::ffff:10.0.0.1",
        "g::1", "1:", ":1", "fd00::/64", "1:2:3:4:5:6:7::8",
    ])
    func malformed(text: String) {
        #expect(IPv6Address(text) == nil)
    }

    @Test("kinds and the §6.4.3 ordering")
    func kinds() {
        #expect(IPv6Address.vrrpMulticastGroup.isMulticast)
        #expect(IPv6Address("fe80::1")!.isLinkLocal && !IPv6Address("fd00::1")!.isLinkLocal)
        #expect(IPv6Address("fe80::9")! > IPv6Address("fe80::3")!)
        #expect(IPv6Address("fe81::")! > IPv6Address("fe80:ffff:ffff:ffff:ffff:ffff:ffff:ffff")!)
        #expect(IPAddress("10.0.0.1")! < IPAddress("::1")!)
    }
}

@Suite("RFC 5798 §6.1 timing")
struct VersionThreeTimingTests {
    @Test("Skew_Time = ((256 - Priority) * Master_Adver_Interval) / 256; Master_Down_Interval = 3 * it + skew", arguments: [
        (UInt8(90), UInt16(10), ns(64_843_750), ns(364_843_750)),
        (100, 10, ns(60_937_500), ns(360_937_500)),
        (254, 1, ns(78_125), ns(30_078_125)),
        (100, 100, ns(609_375_000), ns(3_609_375_000)),
        (1, 4095, ns(40_790_039_062), ns(163_640_039_062)),
    ])
    func skew(priority: UInt8, centiseconds: UInt16, skew: Duration, down: Duration) {
        let interval = AdvertisementInterval(centiseconds: centiseconds)
        #expect(Timing.skewTime(priority: priority, version: .v3, masterAdvertisementInterval: interval) == skew)
        #expect(Timing.masterDownInterval(priority: priority, version: .v3, masterAdvertisementInterval: interval) == down)
    }

    @Test("v2 timing is unchanged whatever the version-aware call is given")
    func versionTwo() {
        #expect(Timing.masterDownInterval(priority: 100, version: .v2, masterAdvertisementInterval: .oneSecond) == ns(3_609_375_000))
        #expect(Timing.skewTime(priority: 100, version: .v2, masterAdvertisementInterval: AdvertisementInterval(seconds: 2)) == ns(609_375_000))
    }

    @Test("intervals print as keepalived.conf writes them")
    func printed() {
        #expect(["\(AdvertisementInterval(centiseconds: 10))", "\(AdvertisementInterval(centiseconds: 25))",
                 "\(AdvertisementInterval(centiseconds: 5))", "\(AdvertisementInterval.oneSecond)", "\(AdvertisementInterval.maximumV3)"]
                == ["0.1s", "0.25s", "0.05s", "1s", "40.95s"])
    }
}

@Suite("RFC 5798 §6.4 (RFC 9568) state machine, version 3")
struct VersionThreeRouterTests {
    @Test("§6.4.1: a Backup starts with Master_Adver_Interval = Advertisement_Interval")
    func initialize() {
        let router = RouterDriver(config3(priority: 90))
        #expect(router.handle(.startup, now: .origin).first == .setTimer(TimerToken(kind: .masterDown, generation: 1),
                                                                          deadline: .origin + ns(364_843_750)))
        #expect(router.masterAdvertisementInterval == tenth)
    }

    @Test("§6.4.2: a higher-priority advert sets Master_Adver_Interval from the advert and re-arms with the new Master_Down_Interval")
    func backupLearns() {
        let router = RouterDriver(config3(priority: 90))
        _ = router.handle(.startup, now: .origin)
        let half = AdvertisementInterval(centiseconds: 50)
        // 3 × 0.5 s + (166 × 0.5 s) / 256 = 1.82421875 s
        #expect(router.handle(advert3(100, interval: half), now: .seconds(0.1))
                == [.setTimer(TimerToken(kind: .masterDown, generation: 2), deadline: .seconds(0.1) + ns(1_824_218_750))])
        #expect(router.masterAdvertisementInterval == half)
        // "If the Priority in the ADVERTISEMENT is zero: Set the Master_Down_Timer to Skew_Time"
        // — the skew of the learned interval.
        #expect(router.handle(advert3(0, interval: half), now: .seconds(0.2))
                == [.setTimer(TimerToken(kind: .masterDown, generation: 3), deadline: .seconds(0.2) + ns(324_218_750))])
    }

    @Test("§6.4.2: an equal priority also resets the timer and is learned from; a lower one with preemption is discarded, not learned")
    func backupLower() {
        let router = RouterDriver(config3(priority: 100))
        _ = router.handle(.startup, now: .origin)
        _ = router.handle(advert3(100, interval: AdvertisementInterval(centiseconds: 20)), now: .seconds(0.05))
        #expect(router.masterAdvertisementInterval == AdvertisementInterval(centiseconds: 20))
        #expect(router.handle(advert3(50, interval: AdvertisementInterval(centiseconds: 300)), now: .seconds(0.1)) == [])
        #expect(router.masterAdvertisementInterval == AdvertisementInterval(centiseconds: 20))
    }

    @Test("§6.4.2: with Preempt_Mode False a lower priority resets the timer with its interval")
    func backupNopreempt() {
        let router = RouterDriver(config3(priority: 100, preempt: false))
        _ = router.handle(.startup, now: .origin)
        let interval = AdvertisementInterval(centiseconds: 30)
        // 3 × 0.3 + (156 × 0.3) / 256 = 1.0828125 s
        #expect(router.handle(advert3(50, interval: interval), now: .seconds(0.1))
                == [.setTimer(TimerToken(kind: .masterDown, generation: 2), deadline: .seconds(0.1) + ns(1_082_812_500))])
    }

    @Test("§6.4.3: the Master advertises with its own Advertisement_Interval and yields to a higher priority, learning its interval")
    func masterYields() {
        let router = RouterDriver(config3(priority: 100))
        _ = router.handle(.startup, now: .origin)
        let actions = router.handle(.timerFired(TimerToken(kind: .masterDown, generation: 1)), now: .origin + ns(360_937_500))
        #expect(actions.contains(.setTimer(TimerToken(kind: .advertisement, generation: 2), deadline: .origin + ns(460_937_500))))
        let fired = router.handle(.timerFired(TimerToken(kind: .advertisement, generation: 2)), now: .origin + ns(460_937_500))
        #expect(fired.count == 2 && fired.last == .setTimer(TimerToken(kind: .advertisement, generation: 4), deadline: .origin + ns(560_937_500)))
        let yielded = router.handle(advert3(200, interval: AdvertisementInterval(centiseconds: 100)), now: .seconds(1))
        #expect(router.state == .backup)
        #expect(router.masterAdvertisementInterval == .oneSecond)
        // 3 × 1 s + (156 × 1 s) / 256 = 3.609375 s
        #expect(yielded.contains { if case .setTimer(let token, let deadline) = $0 { token.kind == .masterDown && deadline == .seconds(1) + ns(3_609_375_000) } else { false } })
    }

    @Test("§6.4.3 (RFC 9568): a Master hearing a lower priority sends an advertisement at once")
    func masterAnswersLower() {
        let router = RouterDriver(config3(priority: 200))
        _ = router.handle(.startup, now: .origin)
        _ = router.handle(.timerFired(TimerToken(kind: .masterDown, generation: 1)), now: .seconds(0.4))
        let answer = router.handle(advert3(100, from: lower6), now: .seconds(0.45))
        #expect(answer.first == .sendAdvertisement(router.router.currentAdvertisement()))
        #expect(router.state == .master)
        // At most once per Advertisement_Interval, so a flood is not amplified.
        #expect(router.handle(advert3(100, from: lower6), now: .seconds(0.5)) == [])
        #expect(router.handle(advert3(100, from: lower6), now: .seconds(0.56)).first == .sendAdvertisement(router.router.currentAdvertisement()))
    }

    @Test("RFC 9568: two address owners — the §6.4.3 tie-break leaves the higher address Active")
    func duplicateOwner() {
        let owner = RouterDriver(config3(priority: 255))
        _ = owner.handle(.startup, now: .origin)
        #expect(owner.state == .master)
        // A lower-address owner is answered, and this one stays.
        #expect(owner.handle(advert3(255, from: lower6), now: .seconds(0.1)).first == .sendAdvertisement(owner.router.currentAdvertisement()))
        #expect(owner.state == .master)
        // Non-owner adverts are still ignored by the owner.
        #expect(owner.handle(advert3(254, from: higher6), now: .seconds(0.2)) == [])
        // A higher-address owner wins the tie: this one becomes Backup and releases the addresses.
        let yielded = owner.handle(advert3(255, from: higher6), now: .seconds(0.3))
        #expect(owner.state == .backup)
        #expect(yielded.contains(.removeVirtualAddresses))
        // The other owner keeps advertising: the timer is reset, no takeover.
        #expect(owner.handle(advert3(255, from: higher6), now: .seconds(0.4)).count == 1)
        #expect(owner.state == .backup)
    }

    @Test("a v2 router never learns an interval")
    func versionTwoDoesNotLearn() {
        let router = RouterDriver(RouterConfiguration(virtualRouterID: 51, virtualAddresses: [IPv4Address(10, 250, 0, 100)],
                                                      localAddress: IPv4Address(10, 250, 0, 5)))
        _ = router.handle(.startup, now: .origin)
        let advert = Advertisement(version: .v2, virtualRouterID: 51, priority: 200, interval: AdvertisementInterval(seconds: 3),
                                   addresses: [.v4(IPv4Address(10, 250, 0, 100))])
        _ = router.handle(.advertisement(ReceivedAdvertisement(advertisement: advert, source: .v4(IPv4Address(10, 250, 0, 9)))), now: .seconds(1))
        #expect(router.masterAdvertisementInterval == .oneSecond)
    }
}

@Suite("RFC 5798 §7.1 receive validation, version 3")
struct VersionThreeValidatorTests {
    let validator = AdvertisementValidator([config3(priority: 90, interval: .oneSecond)])

    func datagram(_ advert: Advertisement, from source: IPAddress = higher6, hopLimit: UInt8 = 255) -> VRRPDatagram {
        VRRPDatagram(source: source, destination: .v6(.vrrpMulticastGroup), hopLimit: hopLimit,
                     payload: advert.encoded(from: source, to: .v6(.vrrpMulticastGroup)))
    }

    @Test("the interval is not checked (it is learned); zero is refused")
    func interval() throws {
        let fast = Advertisement(version: .v3, virtualRouterID: 51, priority: 100, interval: AdvertisementInterval(centiseconds: 1), addresses: [vip6])
        #expect(try validator.validate(datagram(fast)).advertisement.interval.centiseconds == 1)
        var zero = fast
        zero.interval = AdvertisementInterval(centiseconds: 0)
        #expect(throws: DropReason.zeroInterval) { try validator.validate(datagram(zero)) }
        #expect(DropReason.zeroInterval.counter.rawValue == "advert_interval_err")
    }

    @Test("the reserved bits are ignored; the count and family decide the length; the list must match unless the owner sends it")
    func structure() throws {
        let advert = Advertisement(version: .v3, virtualRouterID: 51, priority: 100, interval: tenth, addresses: [vip6])
        var packet = datagram(advert)
        packet.payload[4] |= 0xf0
        // Fix up the checksum for the changed reserved bits.
        packet.payload[6] = 0
        packet.payload[7] = 0
        let sum = InternetChecksum.compute(packet.payload, source: packet.source, destination: packet.destination)
        packet.payload[6] = UInt8(sum >> 8)
        packet.payload[7] = UInt8(sum & 0xff)
        #expect(try validator.validate(packet).advertisement.interval == tenth)
        let other = Advertisement(version: .v3, virtualRouterID: 51, priority: 100, interval: tenth, addresses: [IPAddress("fd00:250::101")!])
        #expect(throws: DropReason.addressListMismatch) { try validator.validate(datagram(other)) }
        var owner = other
        owner.priority = 255
        #expect(try validator.validate(datagram(owner)).addressListMismatch)
    }
}

@Suite("unsolicited neighbour advertisement")
struct NeighborAdvertisementTests {
    @Test("RFC 4861 §4.4 layout, hop limit 255, to ff02::1, Override set, checksum verifies")
    func layout() {
        let mac: [UInt8] = [0x02, 0, 0, 0, 0, 0x0b]
        let address = IPv6Address("fd00:250::100")!
        let packet = NeighborAdvertisement.packet(hardwareAddress: mac, address: address)
        #expect(packet.count == 40 + 32)
        #expect(packet[0] >> 4 == 6 && packet[6] == 58 && packet[7] == 255)
        #expect(Array(packet[8..<24]) == address.octets && Array(packet[24..<40]) == NeighborAdvertisement.allNodes.octets)
        let icmp = Array(packet[40...])
        #expect(icmp[0] == 136 && icmp[1] == 0 && icmp[4] == 0x20)
        #expect(Array(icmp[8..<24]) == address.octets && Array(icmp[24..<26]) == [2, 1] && Array(icmp[26..<32]) == mac)
        let pseudo = address.octets + NeighborAdvertisement.allNodes.octets + [0, 0, 0, 32, 0, 0, 0, 58]
        #expect(InternetChecksum.compute(pseudo + icmp) == 0)
    }
}
