import VRRP

/// keepalived's `use_vmac [NAME]` and `vmac_xmit_base` (keepalived.conf(5)): the instance
/// lives on a macvlan (mode private) of its interface that carries the virtual router MAC of
/// RFC 3768 §7.3 (00-00-5E-00-01-VRID) or RFC 5798 §7.3 (IPv6: 00-00-5E-00-02-VRID). Its
/// virtual addresses go on the macvlan, and so do its adverts (sent and received), unless
/// `vmac_xmit_base`; a client's neighbour entry for a virtual address then never changes
/// across a failover.
public struct VirtualMACSetting: Hashable, Sendable {
    /// The macvlan's name: `use_vmac NAME`, else keepalived's default `vrrp.VRID` (with the
    /// `vmac_prefix` of global_defs), resolved by validation.
    public var interfaceName: String?
    /// `vmac_xmit_base`: adverts are sent and received on the instance's own interface (with
    /// its MAC); only the virtual addresses live on the macvlan.
    public var sendsOnBase = false
    public var location: SourceLocation

    public init(interfaceName: String? = nil, sendsOnBase: Bool = false, location: SourceLocation) {
        self.interfaceName = interfaceName
        self.sendsOnBase = sendsOnBase
        self.location = location
    }

    /// The virtual router MAC of a VRID and family: RFC 3768 §7.3 / RFC 5798 §7.3.
    public static func hardwareAddress(virtualRouterID: UInt8, family: AddressFamily) -> [UInt8] {
        [0x00, 0x00, 0x5e, 0x00, family == .ipv6 ? 0x02 : 0x01, virtualRouterID]
    }

    /// Whether `name` can be a Linux interface name (`dev_valid_name`): 1 to 15 bytes, not
    /// `.` or `..`, no `/`, `:` or white space.
    public static func isValidInterfaceName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= 15, name != ".", name != ".." else { return false }
        return !bytes.contains { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: ":") || $0 <= 0x20 || $0 == 0x7f }
    }
}
