import CNetlink
import Node
import VRRP
#if canImport(Glibc)
import Glibc
#endif

/// What the kernel says about one interface right now.
struct LinkState: Equatable {
    var index: Int32
    var isUp: Bool
    var hardwareAddress: [UInt8]
    var mtu: Int
    /// Neither the loopback nor IFF_NOARP (`Device.hasSegment`).
    var hasSegment: Bool

    /// Reads an interface by name through libnl (RTM_GETLINK). Up means administratively up
    /// and with carrier (IFF_UP and IFF_RUNNING), as keepalived's interface tracking does.
    static func read(_ name: String, socket: NetlinkSocket) -> LinkState? {
        var link: OpaquePointer?
        guard rtnl_link_get_kernel(socket.handle, 0, name, &link) == 0, let link else { return nil }
        defer { rtnl_link_put(link) }
        let flags = rtnl_link_get_flags(link)
        var hardware: [UInt8] = []
        if let address = rtnl_link_get_addr(link), let bytes = nl_addr_get_binary_addr(address) {
            let length = Int(nl_addr_get_len(address))
            hardware = Array(UnsafeRawBufferPointer(start: bytes, count: length))
        }
        let up = flags & UInt32(IFF_UP) != 0 && flags & UInt32(IFF_RUNNING) != 0
        let segmentless = flags & UInt32(IFF_LOOPBACK) != 0 || flags & UInt32(IFF_NOARP) != 0
        return LinkState(index: Int32(rtnl_link_get_ifindex(link)), isUp: up, hardwareAddress: hardware,
                         mtu: Int(rtnl_link_get_mtu(link)), hasSegment: !segmentless)
    }

    /// An interface as the node follows it: this link state and the interface's addresses
    /// from `table` (`AddressTable.read`); nil when no interface has that name.
    static func host(_ name: String, socket: NetlinkSocket, addresses table: [Int32: [HostAddress]]) -> HostInterface? {
        guard let link = read(name, socket: socket) else { return nil }
        return HostInterface(name: name, index: link.index, hardwareAddress: link.hardwareAddress, isUp: link.isUp,
                             addresses: (table[link.index] ?? []).map(\.address), mtu: link.mtu,
                             hasSegment: link.hasSegment)
    }
}
