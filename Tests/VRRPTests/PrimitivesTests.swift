import Testing
@testable import VRRP

@Suite("addresses and timing")
struct PrimitivesTests {
    @Test("dotted quads parse strictly", arguments: [
        ("10.250.0.1", IPv4Address(10, 250, 0, 1) as IPv4Address?),
        ("255.255.255.255", IPv4Address(UInt32.max)),
        ("0.0.0.0", IPv4Address(0)),
        ("10.250.0", nil), ("10.250.0.1.2", nil), ("10.250.0.256", nil), ("10..0.1", nil),
        ("", nil), ("a.b.c.d", nil), ("10.250.0.1/24", nil), (" 10.250.0.1", nil), ("1000.1.1.1", nil),
    ])
    func parse(text: String, expected: IPv4Address?) {
        #expect(IPv4Address(text) == expected)
        if let expected { #expect(expected.description == text) }
    }

    @Test("addresses compare as unsigned 32-bit numbers (§6.4.3 tie-break)")
    func ordering() {
        #expect(IPv4Address(10, 250, 0, 2) > IPv4Address(10, 250, 0, 1))
        #expect(IPv4Address(200, 0, 0, 1) > IPv4Address(10, 255, 255, 255))
        #expect(IPv4Address.vrrpMulticastGroup.isMulticast)
    }

    @Test("Skew_Time and Master_Down_Interval (§6.1)", arguments: [
        (UInt8(100), Duration.nanoseconds(3_609_375_000)),
        (90, .nanoseconds(3_648_437_500)),
        (254, .nanoseconds(3_007_812_500)),
        (255, .nanoseconds(3_003_906_250)),
    ])
    func masterDown(priority: UInt8, expected: Duration) {
        #expect(Timing.masterDownInterval(priority: priority, version: .v2, masterAdvertisementInterval: .oneSecond) == expected)
    }

    @Test("Skew_Time is (256 - priority)/256 s")
    func skew() {
        #expect(Timing.skewTime(priority: 100) == .nanoseconds(609_375_000))
        #expect(Timing.skewTime(priority: 1) == .nanoseconds(996_093_750))
        #expect(Timing.masterDownInterval(priority: 150, version: .v2, masterAdvertisementInterval: AdvertisementInterval(seconds: 2))
                == .nanoseconds(6_414_062_500))
    }
}
