import VRRP

/// A virtual address whose traffic the node drops while it holds it (`no_accept`, RFC 5798
/// §6.4.3 without Accept_Mode): packets addressed to it are dropped on input and packets from
/// it on output, as keepalived's nftables rules do. ARP and IPv6 neighbour discovery still
/// pass, so the address keeps answering for its MAC and the router keeps routing for it.
public struct DroppedAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var address: IPAddress
    /// The device of a link-local IPv6 address (meaningful only with its link), else nil.
    public var linkLocalDevice: String?

    public init(_ binding: VirtualAddressBinding) {
        address = binding.address.address
        if case .v6(let v6) = address, v6.isLinkLocal { linkLocalDevice = binding.device.name } else { linkLocalDevice = nil }
    }

    public static func < (lhs: DroppedAddress, rhs: DroppedAddress) -> Bool {
        (lhs.address, lhs.linkLocalDevice ?? "") < (rhs.address, rhs.linkLocalDevice ?? "")
    }

    public var description: String {
        linkLocalDevice.map { "\(address)%\($0)" } ?? address.description
    }
}
