import VRRP

/// An address and a prefix length (`10.250.101.0/24`, `fd00::/64`, `default` as /0), as
/// `ip route` and `ip rule` write a destination or a source.
public struct IPPrefix: Hashable, Sendable, CustomStringConvertible {
    public var address: IPAddress
    public var length: Int

    public init(address: IPAddress, length: Int) {
        self.address = address
        self.length = length
    }

    /// The whole address space of a family (`default`, `all`).
    public static func any(_ family: AddressFamily) -> IPPrefix {
        IPPrefix(address: family == .ipv4 ? .v4(IPv4Address(0)) : .v6(IPv6Address(high: 0, low: 0)), length: 0)
    }

    public var family: AddressFamily { address.family }

    public var description: String {
        length == 0 && address.octets.allSatisfy({ $0 == 0 }) ? "default" : "\(address)/\(length)"
    }
}
