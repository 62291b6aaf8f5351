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

    func announce(_ address: IPAddress, hardwareAddress: [UInt8], interfaceIndex: Int32, count: Int) throws(AgentError) {
        switch address {
        case .v4(let v4):
            let payload = GratuitousARP.payload(hardwareAddress: hardwareAddress, address: v4)
            for _ in 0..<count {
                let sent = payload.withUnsafeBytes { vk_send_arp(fileDescriptor, $0.baseAddress, $0.count, interfaceIndex) }
                guard sent == payload.count else {
                    throw .socket(operation: "gratuitous ARP for \(address) on ifindex \(interfaceIndex)", errno: errno)
                }
            }
        case .v6(let v6):
            let packet = NeighborAdvertisement.packet(hardwareAddress: hardwareAddress, address: v6)
            let destination = NeighborAdvertisement.allNodesHardwareAddress
            for _ in 0..<count {
                let sent = packet.withUnsafeBytes { vk_send_ipv6_frame(fileDescriptor, $0.baseAddress, $0.count, interfaceIndex, destination) }
                guard sent == packet.count else {
                    throw .socket(operation: "unsolicited neighbour advertisement for \(address) on ifindex \(interfaceIndex)", errno: errno)
                }
            }
        }
    }
}
