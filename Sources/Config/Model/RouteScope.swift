/// A route's scope (`scope link`): the rtm_scope values of rtnetlink(7), by iproute2's names
/// or as a number. keepalived installs a route with RT_SCOPE_UNIVERSE unless told otherwise
/// (vrrp_iproute.c), not with the scope `ip route` would guess.
public struct RouteScope: Hashable, Sendable, CustomStringConvertible {
    public var value: UInt8

    public init(_ value: UInt8) { self.value = value }

    public static let global = RouteScope(0)
    public static let site = RouteScope(200)
    public static let link = RouteScope(253)
    public static let host = RouteScope(254)
    public static let nowhere = RouteScope(255)

    static let names: [String: RouteScope] = ["global": .global, "universe": .global, "site": .site, "link": .link, "host": .host, "nowhere": .nowhere]

    public init?(_ text: String) {
        if let named = Self.names[text] { self = named; return }
        guard let value = UInt8(text) else { return nil }
        self.value = value
    }

    public var description: String {
        Self.names.filter { $0.key != "universe" }.first { $0.value == self }?.key ?? String(value)
    }
}
