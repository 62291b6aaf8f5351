import CLinux
import VRRP
#if canImport(Glibc)
import Glibc
#endif

/// Sends gratuitous ARP requests through an AF_PACKET datagram socket: the kernel adds the
/// Ethernet header with the interface's own MAC as source (keepalived's default, no VMAC).
final class GratuitousARPSender {
    private let fileDescriptor: Int32

    init() throws(AgentError) {
        let fd = vk_arp_socket(0)
        guard fd >= 0 else { throw .socket(operation: "AF_PACKET socket for gratuitous ARP", errno: errno) }
        fileDescriptor = fd
    }

    deinit {
        close(fileDescriptor)
    }

    func announce(_ address: IPv4Address, hardwareAddress: [UInt8], interfaceIndex: Int32, count: Int) throws(AgentError) {
        let payload = GratuitousARP.payload(hardwareAddress: hardwareAddress, address: address)
        for _ in 0..<count {
            let sent = payload.withUnsafeBytes { vk_send_arp(fileDescriptor, $0.baseAddress, $0.count, interfaceIndex) }
            guard sent == payload.count else {
                throw .socket(operation: "gratuitous ARP for \(address) on ifindex \(interfaceIndex)", errno: errno)
            }
        }
    }
}
