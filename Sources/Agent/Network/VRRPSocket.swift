import CLinux
import Node
import VRRP
#if canImport(Glibc)
import Glibc
#endif

/// The raw protocol-112 socket of one interface and family, shared by every instance of that
/// family on it (they are told apart by VRID).
///
/// IPv4 (RFC 3768 §5.2, RFC 5798 §5.1.1): adverts leave with TTL 255 (multicast and
/// unicast; a unicast instance's `unicast_ttl` overrides it per packet), TOS 0xc0 like keepalived, multicast loopback off; received packets carry their
/// IP header, so TTL is read from it, and the arrival interface comes from IP_PKTINFO.
/// IPv6 (RFC 5798 §5.1.2): hop limit 255, multicast loopback off; the kernel never shows the
/// header, so hop limit, destination and arrival interface come from IPV6_HOPLIMIT and
/// IPV6_PKTINFO, the source from recvmsg.
final class VRRPSocket {
    let interface: String
    let interfaceIndex: Int32
    let family: AddressFamily
    let fileDescriptor: Int32
    private var joinedGroup: IPAddress?

    init(interface: String, interfaceIndex: Int32, family: AddressFamily) throws(AgentError) {
        self.interface = interface
        self.interfaceIndex = interfaceIndex
        self.family = family
        let domain = family == .ipv4 ? AF_INET : AF_INET6
        let fd = socket(domain, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), Int32(IPVRRP))
        guard fd >= 0 else { throw .socket(operation: "raw \(family) socket for protocol 112 on \(interface)", errno: errno) }
        fileDescriptor = fd
        do {
            let bound = interface.withCString { setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, $0, socklen_t(strlen($0) + 1)) }
            try check(bound, "SO_BINDTODEVICE \(interface)")
            switch family {
            case .ipv4:
                try setOption(Int32(IPPROTO_IP), IP_PKTINFO, 1, "IP_PKTINFO")
                try setOption(Int32(IPPROTO_IP), IP_TTL, 255, "IP_TTL 255")
                try setOption(Int32(IPPROTO_IP), IP_MULTICAST_TTL, 255, "IP_MULTICAST_TTL 255")
                try setOption(Int32(IPPROTO_IP), IP_MULTICAST_LOOP, 0, "IP_MULTICAST_LOOP off")
                try setOption(Int32(IPPROTO_IP), IP_TOS, 0xc0, "IP_TOS")
                try check(vk_multicast_interface(fd, interfaceIndex), "IP_MULTICAST_IF \(interface)")
            case .ipv6:
                var failed: UnsafePointer<CChar>?
                try check(vk_vrrp6_setup(fd, interfaceIndex, &failed), failed.map { String(cString: $0) } ?? "IPv6 socket options")
            }
        } catch {
            close(fd)
            throw error
        }
    }

    deinit {
        if let group = joinedGroup {
            _ = membership(group, join: false)
        }
        close(fileDescriptor)
    }

    /// RFC 5798 §5.1.1.2 / §5.1.2.2: receive the VRRP multicast group on this interface
    /// (joined by interface index). A socket joins one group: joining another (a reload
    /// changed `vrrp_mcast_group4` or `vrrp_mcast_group6`) leaves the old one.
    func join(_ group: IPAddress) throws(AgentError) {
        guard joinedGroup != group else { return }
        if let old = joinedGroup {
            _ = membership(old, join: false)
            joinedGroup = nil
        }
        try check(membership(group, join: true), "join \(group) on \(interface)")
        joinedGroup = group
    }

    /// Sends one VRRP message to `destination` from `source` out of this interface, with
    /// `ttl` as its TTL / Hop Limit (keepalived `unicast_ttl`), or the socket's 255 when nil.
    func send(_ payload: [UInt8], to destination: IPAddress, from source: IPAddress, ttl: UInt8? = nil) throws(AgentError) {
        let ttl = ttl.map { Int32($0) } ?? -1
        let sent: Int
        switch (destination, source) {
        case (.v4(let to), .v4(let from)):
            sent = payload.withUnsafeBytes {
                vk_send_packet(fileDescriptor, $0.baseAddress, $0.count, to.value.bigEndian, from.value.bigEndian, interfaceIndex, ttl)
            }
        case (.v6(let to), .v6(let from)):
            let target = to.octets
            let origin = from.octets
            sent = payload.withUnsafeBytes { bytes in
                vk_send_packet6(fileDescriptor, bytes.baseAddress, bytes.count, target, origin, interfaceIndex, ttl)
            }
        default:
            throw .socket(operation: "send advert from \(source) to \(destination) on \(interface): mixed address families", errno: EAFNOSUPPORT)
        }
        guard sent == payload.count else { throw .socket(operation: "send advert to \(destination) on \(interface)", errno: errno) }
    }

    /// Room for any datagram the kernel reassembles (an IP datagram is at most 64 KiB): a
    /// large advert from a peer that fragments (keepalived with many IPv6 addresses on a big
    /// MTU) is read whole, never cut short and taken for a bad one.
    private var buffer = [UInt8](repeating: 0, count: 65_536)
    /// IPv4 reads `batchSlots` packets of up to `batchSlotLength` bytes per recvmmsg(2), in the
    /// same buffer.
    private static let batchSlots = 16
    private static let batchSlotLength = 4_096
    private var lengths = [Int](repeating: 0, count: batchSlots)
    private var indexes = [Int32](repeating: 0, count: batchSlots)

    /// Every packet waiting on the socket (at most `limit`, so a flood cannot starve timers),
    /// as node events. A packet that arrived on another interface is left out.
    func receiveAll(limit: Int = 256) -> [NodeEvent] {
        var result: [NodeEvent] = []
        var source = [UInt8](repeating: 0, count: family == .ipv6 ? 16 : 0)
        var destination = [UInt8](repeating: 0, count: family == .ipv6 ? 16 : 0)
        var taken = 0
        while taken < limit {
            var index: Int32 = 0
            switch family {
            case .ipv4:
                // A batch per system call: an IPv4 advert (at most 20 + 40 + 8 + 255 × 4 + 8
                // bytes) always fits a slot; a longer packet is cut and then fails §7.1's length
                // check as it would whole.
                let slots = min(Self.batchSlots, limit - taken), slot = Self.batchSlotLength
                let received = buffer.withUnsafeMutableBytes {
                    vk_recv_packets(fileDescriptor, $0.baseAddress, slot, UInt32(slots), &lengths, &indexes)
                }
                guard received > 0 else { return result }
                taken += Int(received)
                for packet in 0..<Int(received) where indexes[packet] == 0 || indexes[packet] == interfaceIndex {
                    let start = packet * slot
                    result.append(.packet(Array(buffer[start..<start + min(lengths[packet], slot)]), interfaceIndex: interfaceIndex))
                }
                // Fewer than asked for: the queue is empty, no second call needed to find out.
                if received < slots { return result }
            case .ipv6:
                var hopLimit: Int32 = -1
                let count = buffer.withUnsafeMutableBytes { vk_recv_packet6(fileDescriptor, $0.baseAddress, $0.count, &source, &destination, &hopLimit, &index) }
                guard count >= 0 else { return result }
                taken += 1
                guard index == 0 || index == interfaceIndex, let from = IPv6Address(octets: source), let to = IPv6Address(octets: destination) else { continue }
                // No IPV6_HOPLIMIT means the kernel did not say; 0 fails §7.1's check.
                let datagram = VRRPDatagram(source: .v6(from), destination: .v6(to), hopLimit: UInt8(clamping: max(0, hopLimit)),
                                            payload: Array(buffer[0..<count]))
                result.append(.datagram(datagram, interfaceIndex: interfaceIndex))
            }
        }
        return result
    }

    private func membership(_ group: IPAddress, join: Bool) -> Int32 {
        switch group {
        case .v4(let address):
            return vk_multicast_membership(fileDescriptor, address.value.bigEndian, interfaceIndex, join ? 1 : 0)
        case .v6(let address):
            return vk_multicast6_membership(fileDescriptor, address.octets, interfaceIndex, join ? 1 : 0)
        }
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
