import Config
import VRRP

/// One address on an interface as the kernel has it: the address with its prefix length and,
/// for IPv4, its label. The same address can be there in another form than the configured
/// one (a `/32` left by another tool where the file says `/24`, IPv6 `/128` for `/64`): the
/// kernel then keeps both, or refuses ours as existing, and removing ours leaves the other.
public struct HostAddress: Hashable, Sendable, CustomStringConvertible {
    public var address: IPAddress
    public var prefixLength: Int
    /// The IPv4 label (`eth0:vip`; the kernel's default is the interface name); nil for IPv6.
    public var label: String?

    public init(_ address: IPAddress, prefixLength: Int, label: String? = nil) {
        self.address = address
        self.prefixLength = prefixLength
        self.label = label
    }

    /// The kernel form of a configured virtual address.
    public init(_ virtual: VirtualAddress) {
        self.init(virtual.address, prefixLength: virtual.prefixLength, label: virtual.label)
    }

    /// Whether this is the configured form: the same prefix, and the configured label if one
    /// is configured.
    public func isForm(of virtual: VirtualAddress) -> Bool {
        address == virtual.address && prefixLength == virtual.prefixLength && (virtual.label == nil || label == virtual.label)
    }

    /// This form as a virtual address to remove: the configured one with the kernel's prefix
    /// and label.
    public func asVirtualAddress(like virtual: VirtualAddress) -> VirtualAddress {
        var form = virtual
        form.prefixLength = prefixLength
        form.label = label
        return form
    }

    public var description: String { "\(address)/\(prefixLength)" + (label.map { " label \($0)" } ?? "") }
}
