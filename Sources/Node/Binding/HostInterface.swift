import VRRP

/// An interface as the kernel has it now (RTM_NEWLINK and the RTM_GETADDR dump): what the
/// node follows while it runs, so an interface re-created with another ifindex, a changed MAC
/// or a removed address is seen as it is, not as it was at start.
public struct HostInterface: Hashable, Sendable {
    public var name: String
    public var index: Int32
    public var hardwareAddress: [UInt8]
    /// Administratively up with carrier (IFF_UP and IFF_RUNNING), as keepalived tracks links.
    public var isUp: Bool
    /// Its IPv4 and IPv6 addresses, in the kernel's order (an IPv4 primary before its
    /// secondaries).
    public var addresses: [IPAddress]
    /// Its MTU: it decides how many addresses one advert on it carries
    /// (`Advertisement.maximumAddresses`), as in keepalived: at start, reload and whenever it
    /// changes.
    public var mtu: Int
    /// False for the loopback and IFF_NOARP devices (`Device.hasSegment`).
    public var hasSegment: Bool

    public init(name: String, index: Int32, hardwareAddress: [UInt8], isUp: Bool, addresses: [IPAddress],
                mtu: Int = Advertisement.defaultMTU, hasSegment: Bool = true) {
        self.mtu = mtu
        self.hasSegment = hasSegment
        self.name = name
        self.index = index
        self.hardwareAddress = hardwareAddress
        self.isUp = isUp
        self.addresses = addresses
    }

    /// The device the node binds instances and virtual addresses to.
    public var device: Device { Device(name: name, index: index, hardwareAddress: hardwareAddress, hasSegment: hasSegment) }

    /// The source of an instance's adverts when none is configured: the interface's primary
    /// IPv4 address (RFC 5798 §5.1.1.1), or its IPv6 link-local address (§5.1.2.1). A virtual
    /// address (`excluding`) is never that.
    public func advertSource(family: AddressFamily, excluding virtual: Set<IPAddress>) -> IPAddress? {
        addresses.first { address in
            guard address.family == family, !virtual.contains(address) else { return false }
            if case .v6(let v6) = address { return v6.isLinkLocal }
            return true
        }
    }
}
