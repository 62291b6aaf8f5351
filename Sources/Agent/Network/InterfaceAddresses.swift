#if canImport(Glibc)
import Glibc
#endif
import VRRP

/// IPv4 and IPv6 addresses configured on interfaces (getifaddrs), in kernel order.
enum InterfaceAddresses {
    static func all() -> [(interface: String, address: IPAddress)] {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return [] }
        defer { freeifaddrs(list) }
        var result: [(String, IPAddress)] = []
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            guard let raw = entry.pointee.ifa_addr else { continue }
            let name = String(cString: entry.pointee.ifa_name)
            switch Int32(raw.pointee.sa_family) {
            case AF_INET:
                let value = raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr.s_addr }
                result.append((name, .v4(IPv4Address(UInt32(bigEndian: value)))))
            case AF_INET6:
                let octets = raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                    withUnsafeBytes(of: pointer.pointee.sin6_addr) { Array($0) }
                }
                if let address = IPv6Address(octets: octets) { result.append((name, .v6(address))) }
            default:
                continue
            }
        }
        return result
    }

    /// The interface that has `address` configured (for unicast instances without `interface`).
    static func interface(holding address: IPAddress) -> String? {
        all().first { $0.address == address }?.interface
    }
}
