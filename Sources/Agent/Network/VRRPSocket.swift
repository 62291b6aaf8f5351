import CLinux
import VRRP
#if canImport(Glibc)
import Glibc
#endif

/// The raw IPv4 protocol-112 socket of one interface, shared by every instance on it
/// (they are told apart by VRID). RFC 3768 §5.2: adverts leave with TTL 255 (multicast and
/// unicast), TOS 0xc0 like keepalived, multicast loopback off; received packets carry their
/// IP header, so TTL is read from it, and the arrival interface comes from IP_PKTINFO.
final class VRRPSocket {
    struct Received {
        var packet: [UInt8]
        var interfaceIndex: Int32
    }

    let interface: String
    let interfaceIndex: Int32
    let fileDescriptor: Int32
    private var joinedGroup: IPv4Address?

    init(interface: String, interfaceIndex: Int32) throws(AgentError) {
        self.interface = interface
        self.interfaceIndex = interfaceIndex
        let fd = socket(AF_INET, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), Int32(IPVRRP))
        guard fd >= 0 else { throw .socket(operation: "raw socket for protocol 112 on \(interface)", errno: errno) }
        fileDescriptor = fd
        do {
            let bound = interface.withCString { setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, $0, socklen_t(strlen($0) + 1)) }
            try check(bound, "SO_BINDTODEVICE \(interface)")
            try setOption(Int32(IPPROTO_IP), IP_PKTINFO, 1, "IP_PKTINFO")
            try setOption(Int32(IPPROTO_IP), IP_TTL, 255, "IP_TTL 255")
            try setOption(Int32(IPPROTO_IP), IP_MULTICAST_TTL, 255, "IP_MULTICAST_TTL 255")
            try setOption(Int32(IPPROTO_IP), IP_MULTICAST_LOOP, 0, "IP_MULTICAST_LOOP off")
            try setOption(Int32(IPPROTO_IP), IP_TOS, 0xc0, "IP_TOS")
            try check(vk_multicast_interface(fd, interfaceIndex), "IP_MULTICAST_IF \(interface)")
        } catch {
            close(fd)
            throw error
        }
    }

    deinit {
        if let group = joinedGroup {
            _ = vk_multicast_membership(fileDescriptor, group.value.bigEndian, interfaceIndex, 0)
        }
        close(fileDescriptor)
    }

    /// §5.2.2: receive the VRRP multicast group on this interface (joined by interface index).
    /// A socket joins one group: joining another (a reload changed `vrrp_mcast_group4`)
    /// leaves the old one.
    func join(_ group: IPv4Address) throws(AgentError) {
        guard joinedGroup != group else { return }
        if let old = joinedGroup {
            _ = vk_multicast_membership(fileDescriptor, old.value.bigEndian, interfaceIndex, 0)
            joinedGroup = nil
        }
        try check(vk_multicast_membership(fileDescriptor, group.value.bigEndian, interfaceIndex, 1), "join \(group) on \(interface)")
        joinedGroup = group
    }

    /// Sends one VRRP message to `destination` from `source` out of this interface.
    func send(_ payload: [UInt8], to destination: IPv4Address, from source: IPv4Address) throws(AgentError) {
        let sent = payload.withUnsafeBytes {
            vk_send_packet(fileDescriptor, $0.baseAddress, $0.count, destination.value.bigEndian, source.value.bigEndian, interfaceIndex)
        }
        guard sent == payload.count else { throw .socket(operation: "send advert to \(destination) on \(interface)", errno: errno) }
    }

    /// Every packet waiting on the socket (at most `limit`, so a flood cannot starve timers).
    func receiveAll(limit: Int = 256) -> [Received] {
        var result: [Received] = []
        var buffer = [UInt8](repeating: 0, count: 2048)
        while result.count < limit {
            var index: Int32 = 0
            let count = buffer.withUnsafeMutableBytes { vk_recv_packet(fileDescriptor, $0.baseAddress, $0.count, &index) }
            guard count > 0 else { break }
            result.append(Received(packet: Array(buffer[0..<count]), interfaceIndex: index))
        }
        return result
    }

    private func setOption(_ level: Int32, _ option: Int32, _ value: Int32, _ what: String) throws(AgentError) {
        var value = value
        try check(setsockopt(fileDescriptor, level, option, &value, socklen_t(MemoryLayout<Int32>.size)), what)
    }
}

/// IANA protocol number of VRRP.
private let IPVRRP: UInt8 = IPv4Packet.vrrpProtocol

private func check(_ result: Int32, _ operation: String) throws(AgentError) {
    guard result == 0 else { throw .socket(operation: operation, errno: errno) }
}
