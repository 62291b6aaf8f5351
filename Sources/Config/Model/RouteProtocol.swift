/// Who installed a route or rule (rtm_protocol / FRA_PROTOCOL): iproute2's names from
/// `/etc/iproute2/rt_protos`, or a number. keepalived tags its routes and rules with
/// RTPROT_KEEPALIVED (18, in Linux since 5.8), and so does vipkeeper, so what a crashed run
/// left is recognisable (`ip route show proto keepalived`).
public struct RouteProtocol: Hashable, Sendable, CustomStringConvertible {
    public var value: UInt8

    public init(_ value: UInt8) { self.value = value }

    public static let keepalived = RouteProtocol(18)

    static let names: [String: UInt8] = [
        "redirect": 1, "kernel": 2, "boot": 3, "static": 4, "gated": 8, "ra": 9, "mrt": 10, "zebra": 11, "bird": 12,
        "dnrouted": 13, "xorp": 14, "ntk": 15, "dhcp": 16, "keepalived": 18, "babel": 42, "openr": 99, "bgp": 186,
        "isis": 187, "ospf": 188, "rip": 189, "eigrp": 192,
    ]

    public init?(_ text: String) {
        guard let value = Self.names[text] ?? UInt8(text) else { return nil }
        self.value = value
    }

    public var description: String { Self.names.first { $0.value == value }?.key ?? String(value) }
}
