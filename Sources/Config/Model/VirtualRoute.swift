import VRRP

/// One entry of `virtual_routes` (added when the instance becomes Master, after its
/// addresses, and removed when it leaves) or `static_routes` (added at start, removed at
/// stop), in keepalived's syntax (keepalived.conf(5), vrrp_iproute.c `alloc_route`):
/// `[src IP] [to] [TYPE] DEST[/LEN] [via|gw GW] [or GW2] [dev IF] [scope S] [table T]
/// [metric N] [protocol P] [tos N] [onlink] [mtu [lock] N] [add|prepend|append] [no_track]`.
public struct VirtualRoute: Hashable, Sendable, CustomStringConvertible {
    /// rtm_type (rtnetlink(7) RTN_*): `ip route`'s route types.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case unicast, local, broadcast, anycast, multicast, blackhole, unreachable, prohibit
        case `throw`
        case nat

        /// The kernel's RTN_* number.
        public var value: UInt8 {
            switch self {
            case .unicast: return 1
            case .local: return 2
            case .broadcast: return 3
            case .anycast: return 4
            case .multicast: return 5
            case .blackhole: return 6
            case .unreachable: return 7
            case .prohibit: return 8
            case .throw: return 9
            case .nat: return 10
            }
        }
    }

    /// How a route is added when an equal one exists (keepalived's `add`, `prepend`,
    /// `append`; `prepend` is keepalived's default, NLM_F_CREATE without NLM_F_EXCL).
    public enum AddMode: String, Hashable, Sendable {
        case prepend, add, append
    }

    public var family: AddressFamily
    public var destination: IPPrefix
    public var kind = Kind.unicast
    /// `src IP`: the preferred source address (RTA_PREFSRC), often the VIP.
    public var preferredSource: IPAddress?
    /// `from IP[/LEN]`: a source prefix (RTA_SRC; IPv6 only, as in keepalived).
    public var source: IPPrefix?
    /// `via` / `gw`, then each `or`: one gateway is a plain next hop, more a multipath route.
    public var gateways: [IPAddress] = []
    /// `dev IF` / `oif IF`.
    public var device: String?
    public var scope = RouteScope.global
    public var table = RoutingTable.main
    /// `metric` / `priority` / `preference` (RTA_PRIORITY).
    public var metric: UInt32?
    public var routeProtocol = RouteProtocol.keepalived
    /// `tos` / `dsfield`.
    public var typeOfService: UInt8?
    public var onlink = false
    /// `mtu [lock] N` (RTAX_MTU).
    public var mtu: UInt32?
    public var addMode = AddMode.prepend
    /// `no_track`: keepalived does not leave Master when the route is deleted by someone
    /// else. vipkeeper never leaves Master for it (it puts the route back), so this is read
    /// and kept.
    public var noTrack = false
    public var location: SourceLocation

    public init(family: AddressFamily, destination: IPPrefix, location: SourceLocation) {
        self.family = family
        self.destination = destination
        self.location = location
    }

    /// `ip route` shape: `blackhole 10.250.102.0/24 table 100 proto 18`.
    public var description: String {
        var words: [String] = []
        if kind != .unicast { words.append(kind.rawValue) }
        words.append(destination.description)
        if let source { words += ["from", source.description] }
        if let preferredSource { words += ["src", preferredSource.description] }
        for (index, gateway) in gateways.enumerated() { words += [index == 0 ? "via" : "or", gateway.description] }
        if let device { words += ["dev", device] }
        if scope != .global { words += ["scope", scope.description] }
        if table != .main { words += ["table", table.description] }
        if let metric { words += ["metric", String(metric)] }
        if onlink { words.append("onlink") }
        if let mtu { words += ["mtu", String(mtu)] }
        return words.joined(separator: " ")
    }
}
