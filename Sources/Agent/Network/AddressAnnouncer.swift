import CLinux
import VRRP
#if canImport(Glibc)
import Glibc
#endif

/// Tells the segment where a virtual address now lives, through one AF_PACKET datagram socket
/// (the kernel adds the Ethernet header with the interface's own MAC as source, keepalived's
/// default without VMAC): gratuitous ARP requests for IPv4 (RFC 3768 §8.2 / RFC 5798 §8.1.2),
/// unsolicited neighbour advertisements for IPv6 (RFC 5798 §8.2.2, RFC 4861 §7.2.6).
final class AddressAnnouncer {
    private let fileDescriptor: Int32

    init() throws(AgentError) {
        let fd = vk_arp_socket(0)
        guard fd >= 0 else { throw .socket(operation: "AF_PACKET socket for gratuitous ARP and neighbour advertisements", errno: errno) }
        fileDescriptor = fd
    }

    deinit {
        close(fileDescriptor)
    }

    /// Sends `count` frames for one address. Every frame is attempted, whatever happened to
    /// the one before (a burst is never cut short); throws after the burst when any failed,
    /// saying how many. The socket is non-blocking, so a full queue fails a frame at once.
    func announce(_ address: IPAddress, hardwareAddress: [UInt8], interfaceIndex: Int32, count: Int) throws(AgentError) {
        var failed = 0
        var lastError: Int32 = 0
        let frame: [UInt8]
        let what: String
        switch address {
        case .v4(let v4):
            frame = GratuitousARP.payload(hardwareAddress: hardwareAddress, address: v4)
            what = "gratuitous ARP"
        case .v6(let v6):
            frame = NeighborAdvertisement.packet(hardwareAddress: hardwareAddress, address: v6)
            what = "unsolicited neighbour advertisement"
        }
        for _ in 0..<count {
            let sent = frame.withUnsafeBytes { bytes in
                switch address {
                case .v4: vk_send_arp(fileDescriptor, bytes.baseAddress, bytes.count, interfaceIndex)
                case .v6: vk_send_ipv6_frame(fileDescriptor, bytes.baseAddress, bytes.count, interfaceIndex,
                                             NeighborAdvertisement.allNodesHardwareAddress)
                }
            }
            if sent != frame.count {
                failed += 1
                lastError = errno
            }
        }
        guard failed == 0 else {
            throw .socket(operation: "\(failed) of \(count) \(what) frames for \(address) on ifindex \(interfaceIndex)", errno: lastError)
        }
    }
}
