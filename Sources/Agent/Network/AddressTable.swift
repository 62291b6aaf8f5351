import CNetlink
import Node
import VRRP
#if canImport(Glibc)
import Glibc
#endif

/// The IPv4 and IPv6 addresses of every interface, with prefix and label, by interface index, in the kernel's order
/// (an IPv4 primary before its secondaries), as the kernel has them now (an RTM_GETADDR dump
/// through libnl). By index, not name: getifaddrs(3) reports a labelled address
/// (`label eth0:vip`) under its label, which would hide a VIP that is there.
enum AddressTable {
    static func read(socket: NetlinkSocket) -> [Int32: [HostAddress]] {
        var cache: OpaquePointer?
        guard rtnl_addr_alloc_cache(socket.handle, &cache) == 0, let cache else { return [:] }
        defer { nl_cache_free(cache) }
        var result: [Int32: [HostAddress]] = [:]
        var object = nl_cache_get_first(cache)
        while let current = object {
            defer { object = nl_cache_get_next(current) }
            guard let local = rtnl_addr_get_local(current), let bytes = nl_addr_get_binary_addr(local) else { continue }
            let length = Int(nl_addr_get_len(local))
            let octets = UnsafeRawBufferPointer(start: bytes, count: length)
            let address: IPAddress
            switch (rtnl_addr_get_family(current), length) {
            case (AF_INET, 4): address = .v4(IPv4Address(octets[0], octets[1], octets[2], octets[3]))
            case (AF_INET6, 16):
                guard let v6 = IPv6Address(octets: octets) else { continue }
                address = .v6(v6)
            default: continue
            }
            let label = address.family == .ipv4 ? rtnl_addr_get_label(current).map { String(cString: $0) } : nil
            result[Int32(rtnl_addr_get_ifindex(current)), default: []]
                .append(HostAddress(address, prefixLength: Int(rtnl_addr_get_prefixlen(current)), label: label))
        }
        return result
    }
}
