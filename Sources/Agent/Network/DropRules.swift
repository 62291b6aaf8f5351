import CLinux
import Node
import VRRP

/// The nftables table behind `no_accept` (keepalived's `vrrp_nftables` rules, RFC 5798
/// §6.4.3): packets addressed to a held virtual address are dropped on input, packets from it
/// on output; IPv6 neighbour solicitations and advertisements pass, so the address keeps
/// answering for its MAC. The whole table is replaced in one transaction on every change, so
/// a crashed earlier run's rules never linger beside ours, and an empty set removes it.
/// libnftables is loaded on first use only (`vk_nft_run`).
public struct DropRules {
    /// vipkeeper's own table; keepalived's is `keepalived`, so the two never collide.
    public static let table = "vipkeeper"

    func apply(_ addresses: [DroppedAddress]) throws(AgentError) {
        var failure: UnsafePointer<CChar>?
        guard vk_nft_run(Self.commands(for: addresses), &failure) == 0 else {
            let message = failure.map { String(cString: $0) } ?? "nft refused the rules"
            throw .nftables(message.split(separator: "\n").map(String.init).filter { !$0.isEmpty }.joined(separator: "; "))
        }
    }

    /// The nft(8) batch that makes the table hold exactly `addresses`.
    static func commands(for addresses: [DroppedAddress]) -> String {
        var lines = ["add table inet \(table)", "delete table inet \(table)"]
        guard !addresses.isEmpty else { return lines.joined(separator: "\n") + "\n" }
        let ipv4 = addresses.compactMap { if case .v4 = $0.address { return $0.address.description } else { return nil } }
        let ipv6 = addresses.compactMap { if case .v6 = $0.address, $0.linkLocalDevice == nil { return $0.address.description } else { return nil } }
        let linkLocal = addresses.compactMap { dropped in dropped.linkLocalDevice.map { "\(dropped.address) . \"\($0)\"" } }
        func set(_ name: String, _ type: String, _ elements: [String]) -> String {
            "    set \(name) { type \(type);" + (elements.isEmpty ? "" : " elements = { \(elements.joined(separator: ", ")) };") + " }"
        }
        func chain(_ name: String, hook: String, address: String, interface: String) -> [String] {
            ["    chain \(name) {",
             "        type filter hook \(hook) priority -1; policy accept;",
             "        icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept",
             "        ip \(address) @vips4 drop",
             "        ip6 \(address) @vips6 drop",
             "        ip6 \(address) . \(interface) @vips6_link_local drop",
             "    }"]
        }
        lines.append("table inet \(table) {")
        lines.append(set("vips4", "ipv4_addr", ipv4))
        lines.append(set("vips6", "ipv6_addr", ipv6))
        lines.append(set("vips6_link_local", "ipv6_addr . ifname", linkLocal))
        lines += chain("in", hook: "input", address: "daddr", interface: "iifname")
        lines += chain("out", hook: "output", address: "saddr", interface: "oifname")
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Whether libnftables can be loaded here (for `vipkeeper check`).
    public static var isAvailable: Bool { vk_nft_available() != 0 }
}
