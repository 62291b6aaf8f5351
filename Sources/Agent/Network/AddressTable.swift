import CNetlink
import VRRP
#if canImport(Glibc)
import Glibc
#endif

/// The IPv4 addresses of every interface, by interface index, as the kernel has them now
/// (an RTM_GETADDR dump through libnl). By index, not name: getifaddrs(3) reports a labelled
/// address (`label eth0:vip`) under its label, which would hide a VIP that is there.
enum AddressTable {
    static func read(socket: NetlinkSocket) -> [Int32: Set<IPv4Address>] {
        var cache: OpaquePointer?
        guard rtnl_addr_alloc_cache(socket.handle, &cache) == 0, let cache else { return [:] }
        defer { nl_cache_free(cache) }
        var result: [Int32: Set<IPv4Address>] = [:]
        var object = nl_cache_get_first(cache)
        while let current = object {
            defer { object = nl_cache_get_next(current) }
            guard rtnl_addr_get_family(current) == AF_INET, let local = rtnl_addr_get_local(current),
                  nl_addr_get_len(local) == 4, let bytes = nl_addr_get_binary_addr(local) else { continue }
            let octets = UnsafeRawBufferPointer(start: bytes, count: 4)
            result[Int32(rtnl_addr_get_ifindex(current)), default: []].insert(IPv4Address(octets[0], octets[1], octets[2], octets[3]))
        }
        return result
    }
}
