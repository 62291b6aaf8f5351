/// The address family of a virtual router. RFC 5798 §1: the IPv4 and IPv6 virtual routers
/// of one VRID are independent instances; one instance carries one family only.
public enum AddressFamily: String, Hashable, Sendable, CustomStringConvertible {
    case ipv4 = "IPv4"
    case ipv6 = "IPv6"

    public var description: String { rawValue }

    /// Octets of one address on the wire (§5.2.9).
    public var addressLength: Int { self == .ipv4 ? 4 : 16 }
}

/// An IPv4 or an IPv6 address.
///
/// Ordering within a family is the unsigned comparison of §6.4.3; every IPv4 address sorts
/// before every IPv6 one (the two never meet in one virtual router).
public enum IPAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    case v4(IPv4Address)
    case v6(IPv6Address)

    /// Parses dotted-quad IPv4 or RFC 4291 IPv6 text; nil for anything else.
    public init?(_ text: some StringProtocol) {
        if let v4 = IPv4Address(text) {
            self = .v4(v4)
        } else if let v6 = IPv6Address(text) {
            self = .v6(v6)
        } else {
            return nil
        }
    }

    public var family: AddressFamily {
        switch self {
        case .v4: return .ipv4
        case .v6: return .ipv6
        }
    }

    /// The address in network order: 4 or 16 octets.
    public var octets: [UInt8] {
        switch self {
        case .v4(let address): return address.octets
        case .v6(let address): return address.octets
        }
    }

    public var isMulticast: Bool {
        switch self {
        case .v4(let address): return address.isMulticast
        case .v6(let address): return address.isMulticast
        }
    }

    public var ipv4: IPv4Address? {
        if case .v4(let address) = self { return address }
        return nil
    }

    public var ipv6: IPv6Address? {
        if case .v6(let address) = self { return address }
        return nil
    }

    /// The longest prefix of the family (32 or 128).
    public var maximumPrefixLength: Int { family == .ipv4 ? 32 : 128 }

    public var description: String {
        switch self {
        case .v4(let address): return address.description
        case .v6(let address): return address.description
        }
    }

    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        switch (lhs, rhs) {
        case (.v4(let a), .v4(let b)): return a < b
        case (.v6(let a), .v6(let b)): return a < b
        case (.v4, .v6): return true
        case (.v6, .v4): return false
        }
    }

    /// The VRRP multicast group of a family (§5.1.1.2, §5.1.2.2).
    public static func vrrpMulticastGroup(_ family: AddressFamily) -> IPAddress {
        family == .ipv4 ? .v4(.vrrpMulticastGroup) : .v6(.vrrpMulticastGroup)
    }
}
