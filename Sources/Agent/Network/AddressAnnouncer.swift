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

    /// Sends one frame for one address (a round of a burst: the node paces the rounds). The
    /// socket is non-blocking, so a full queue fails the frame at once.
    func announce(_ address: IPAddress, hardwareAddress: [UInt8], interfaceIndex: Int32) throws(AgentError) {
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
        let sent = frame.withUnsafeBytes { bytes in
            switch address {
            case .v4: vk_send_arp(fileDescriptor, bytes.baseAddress, bytes.count, interfaceIndex)
            case .v6: vk_send_ipv6_frame(fileDescriptor, bytes.baseAddress, bytes.count, interfaceIndex,
                                         NeighborAdvertisement.allNodesHardwareAddress)
            }
        }
        guard sent == frame.count else {
            throw .socket(operation: "\(what) for \(address) on ifindex \(interfaceIndex)", errno: errno)
        }
    }
}
