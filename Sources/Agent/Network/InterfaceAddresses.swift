#if canImport(Glibc)
import Glibc
#endif
import VRRP

/// IPv4 addresses configured on interfaces (getifaddrs), in kernel order.
enum InterfaceAddresses {
    static func all() -> [(interface: String, address: IPv4Address)] {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return [] }
        defer { freeifaddrs(list) }
        var result: [(String, IPv4Address)] = []
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            guard let raw = entry.pointee.ifa_addr, raw.pointee.sa_family == sa_family_t(AF_INET) else { continue }
            let value = raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr.s_addr }
            result.append((String(cString: entry.pointee.ifa_name), IPv4Address(UInt32(bigEndian: value))))
        }
        return result
    }

    /// RFC 3768 §5.2.1: adverts come from the interface's primary address. The virtual
    /// addresses this router may have added are never that.
    static func primary(of interface: String, excluding virtual: Set<IPv4Address>) -> IPv4Address? {
        all().first { $0.interface == interface && !virtual.contains($0.address) }?.address
    }

    /// The interface that has `address` configured (for unicast instances without `interface`).
    static func interface(holding address: IPv4Address) -> String? {
        all().first { $0.address == address }?.interface
    }
}
