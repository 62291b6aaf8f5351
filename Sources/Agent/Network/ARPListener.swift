import CLinux
import VRRP
#if canImport(Glibc)
import Glibc
#endif

/// Hears the segment's ARP (AF_PACKET) while a drill watches for the new Master's gratuitous
/// ARP; the event loop polls it only then.
final class ARPListener {
    struct Heard {
        var interfaceIndex: Int32
        var address: IPv4Address
        var hardwareAddress: [UInt8]
    }

    let fileDescriptor: Int32

    init() throws(AgentError) {
        let fd = vk_arp_socket(1)
        guard fd >= 0 else { throw .socket(operation: "AF_PACKET socket to hear gratuitous ARP", errno: errno) }
        fileDescriptor = fd
    }

    deinit { close(fileDescriptor) }

    /// Gratuitous ARPs (sender and target address the same, RFC 5227 §3) waiting, not our own;
    /// at most `limit` frames are read.
    func receive(limit: Int = 256) -> [Heard] {
        var heard: [Heard] = []
        var buffer = [UInt8](repeating: 0, count: 128)
        for _ in 0..<limit {
            var index: Int32 = 0
            var outgoing: Int32 = 0
            let count = buffer.withUnsafeMutableBytes { vk_recv_arp(fileDescriptor, $0.baseAddress, $0.count, &index, &outgoing) }
            guard count >= 0 else { break }
            guard count >= 28, outgoing == 0, buffer[0...7] == [0, 1, 8, 0, 6, 4, 0, 1] || buffer[0...7] == [0, 1, 8, 0, 6, 4, 0, 2],
                  buffer[14..<18] == buffer[24..<28] else { continue }
            heard.append(Heard(interfaceIndex: index, address: IPv4Address(buffer[14], buffer[15], buffer[16], buffer[17]),
                               hardwareAddress: Array(buffer[8..<14])))
        }
        return heard
    }
}
