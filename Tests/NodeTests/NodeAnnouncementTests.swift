import Node
import Testing
import VRRP

/// Gratuitous ARP / neighbour advertisement bursts as rounds paced by the node's timer
/// (RFC 3768 §8.2, RFC 5798 §8.1.2 / §8.2.2, keepalived `vrrp_garp_interval`).
@Suite("node: announcement bursts paced by the timer")
struct NodeAnnouncementTests {
    static let second = IPAddress.v4(IPv4Address(10, 250, 1, 101))

    /// Two VIPs, three rounds a burst, 10 ms between frames.
    func pacedMaster(interval: String = "0.01") throws -> NodeHarness {
        let text = "global_defs {\n    vrrp_garp_interval \(interval)\n    vrrp_garp_master_repeat 3\n}\n"
            + instanceText(extra: "    virtual_ipaddress_excluded {\n        10.250.1.101/24\n    }\n")
        let harness = try NodeHarness(text)
        harness.advance(by: mdi150)
        try #require(harness.views.first?.state == .master)
        return harness
    }

    func announced(_ harness: NodeHarness) -> [IPAddress] {
        harness.gratuitousARPs.flatMap(\.addresses).map(\.address.address)
    }

    @Test("vrrp_garp_interval: one frame per interval, every address once before any twice, nothing sent at once beyond the first")
    func pacedFrames() throws {
        let harness = try pacedMaster()
        #expect(announced(harness) == [vip], "only the first frame goes out at takeover")
        harness.advance(by: .milliseconds(9))
        #expect(announced(harness) == [vip])
        harness.advance(by: .milliseconds(1))
        #expect(announced(harness) == [vip, Self.second])
        harness.advance(by: .milliseconds(40))
        #expect(announced(harness) == [vip, Self.second, vip, Self.second, vip, Self.second], "3 rounds of 2 addresses, then nothing")
        harness.advance(by: .milliseconds(100))
        #expect(announced(harness).count == 6)
    }

    @Test("no interval: the rounds go back to back, each its own turn of the timer")
    func backToBack() throws {
        let harness = try pacedMaster(interval: "0.000001")
        harness.advance(by: .milliseconds(1))
        #expect(harness.gratuitousARPs.count == 6, "six frames, one a turn (1 µs apart)")
        let plain = try NodeHarness(instanceText())
        plain.advance(by: mdi150)
        #expect(plain.gratuitousARPs.map(\.addresses.count) == [1, 1, 1, 1, 1], "five rounds at the takeover instant")
    }

    @Test("leaving MASTER mid-burst drops the rounds still due: no announcement for an address the node released")
    func releasedMidBurst() throws {
        let harness = try pacedMaster()
        harness.advance(by: .milliseconds(10))
        #expect(announced(harness).count == 2)
        harness.receive(priority: 200)
        #expect(harness.views.first?.state == .backup)
        #expect(harness.kernel.isEmpty)
        harness.effects = []
        harness.advance(by: .milliseconds(200))
        #expect(harness.gratuitousARPs.isEmpty)
    }

    @Test("a MAC changed mid-burst: every later frame carries the new MAC")
    func macChangedMidBurst() throws {
        let harness = try pacedMaster()
        harness.handle(.interface("eth0", eth0()))
        harness.effects = []
        let mac: [UInt8] = [2, 0, 0, 0, 0, 0x77]
        harness.handle(.interface("eth0", eth0(mac: mac)))
        harness.advance(by: .milliseconds(100))
        let macs = harness.gratuitousARPs.flatMap(\.addresses).map(\.device.hardwareAddress)
        #expect(macs.count >= 6, "a fresh burst for both addresses")
        #expect(Set(macs) == [mac])
    }

    @Test("overlapping bursts merge: an address put back mid-burst gets its own full burst, not two")
    func overlappingBursts() throws {
        let harness = try pacedMaster()
        harness.kernel = [Self.second]
        harness.handle(.addresses(interfaceIndex: 2, present: [HostAddress(Self.second, prefixLength: 24)]))
        #expect(harness.kernel.contains(vip))
        harness.advance(by: .milliseconds(500))
        let frames = announced(harness)
        #expect(frames.filter { $0 == vip }.count == 3 + 1, "the takeover's first frame, then a fresh 3 for the put-back address")
        #expect(frames.filter { $0 == Self.second }.count == 3)
    }
}
