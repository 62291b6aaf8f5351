import Config
import Node
import Testing
import VRRP
@testable import Agent

@Suite("no_accept drop rules as nft(8) commands")
struct DropRulesTests {
    private func dropped(_ text: String, device: String = "eth0") throws -> DroppedAddress {
        let address = try #require(IPAddress(text))
        return DroppedAddress(VirtualAddressBinding(address: VirtualAddress(address: address, location: SourceLocation(file: "t", line: 1, column: 1)),
                                                    device: Device(name: device, index: 2, hardwareAddress: [2, 0, 0, 0, 0, 1])))
    }

    @Test("no address: the table is removed (created first, so the batch never fails on a missing table)")
    func empty() {
        #expect(DropRules.commands(for: []) == "add table inet vipkeeper\ndelete table inet vipkeeper\n")
    }

    @Test("each family in its set, a link-local IPv6 address with its interface; neighbour discovery passes before the drops")
    func sets() throws {
        let text = DropRules.commands(for: [try dropped("10.250.1.100"), try dropped("fd00:250::100"), try dropped("fe80::100", device: "eth1")])
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(Array(lines.prefix(3)) == ["add table inet vipkeeper", "delete table inet vipkeeper", "table inet vipkeeper {"])
        #expect(lines.contains("set vips4 { type ipv4_addr; elements = { 10.250.1.100 }; }"))
        #expect(lines.contains("set vips6 { type ipv6_addr; elements = { fd00:250::100 }; }"))
        #expect(lines.contains("set vips6_link_local { type ipv6_addr . ifname; elements = { fe80::100 . \"eth1\" }; }"))
        let input = try #require(lines.firstIndex(of: "chain in {"))
        #expect(Array(lines[(input + 1)...(input + 5)]) == [
            "type filter hook input priority -1; policy accept;",
            "icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept",
            "ip daddr @vips4 drop",
            "ip6 daddr @vips6 drop",
            "ip6 daddr . iifname @vips6_link_local drop",
        ])
        #expect(lines.contains("ip saddr @vips4 drop") && lines.contains("ip6 saddr . oifname @vips6_link_local drop"))
    }
}
