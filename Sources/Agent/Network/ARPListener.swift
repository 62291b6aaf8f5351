import CLinux
import VRRP
#if canImport(Glibc)
import Glibc
#endif

/// Hears the segment's address announcements (AF_PACKET) while a drill watches for the new
/// Master's: gratuitous ARP for IPv4 VIPs, unsolicited neighbour advertisements for IPv6 VIPs
/// (RFC 5798 §8.2.2). The event loop polls it only then.
final class ARPListener {
    struct Heard {
        var interfaceIndex: Int32
        var address: IPAddress
        var hardwareAddress: [UInt8]
    }

    private let arp: Int32
    private let neighbourAdvertisements: Int32

    init() throws(AgentError) {
        let arp = vk_arp_socket(1)
        guard arp >= 0 else { throw .socket(operation: "AF_PACKET socket to hear gratuitous ARP", errno: errno) }
        let na = vk_na_socket()
        guard na >= 0 else {
            let error = errno
            close(arp)
            throw .socket(operation: "AF_PACKET socket to hear neighbour advertisements", errno: error)
        }
        self.arp = arp
        neighbourAdvertisements = na
    }

    deinit {
        close(arp)
        close(neighbourAdvertisements)
    }

    var fileDescriptors: [Int32] { [arp, neighbourAdvertisements] }

    /// Announcements waiting, not our own: gratuitous ARPs (sender and target address the
    /// same, RFC 5227 §3) and unsolicited neighbour advertisements (Solicited flag clear,
    /// with a Target Link-Layer Address option); at most `limit` frames per socket are read.
    func receive(limit: Int = 256) -> [Heard] {
        var heard: [Heard] = []
        var buffer = [UInt8](repeating: 0, count: 256)
        for _ in 0..<limit {
            var index: Int32 = 0
            var outgoing: Int32 = 0
            let count = buffer.withUnsafeMutableBytes { vk_recv_arp(arp, $0.baseAddress, $0.count, &index, &outgoing) }
            guard count >= 0 else { break }
            guard count >= 28, outgoing == 0, buffer[0...7] == [0, 1, 8, 0, 6, 4, 0, 1] || buffer[0...7] == [0, 1, 8, 0, 6, 4, 0, 2],
                  buffer[14..<18] == buffer[24..<28] else { continue }
            heard.append(Heard(interfaceIndex: index, address: .v4(IPv4Address(buffer[14], buffer[15], buffer[16], buffer[17])),
                               hardwareAddress: Array(buffer[8..<14])))
        }
        for _ in 0..<limit {
            var index: Int32 = 0
            var outgoing: Int32 = 0
            let count = buffer.withUnsafeMutableBytes { vk_recv_arp(neighbourAdvertisements, $0.baseAddress, $0.count, &index, &outgoing) }
            guard count >= 0 else { break }
            // IPv6 header (40), ICMPv6 type 136, flags (Solicited = 0x40), target (16), then options.
            guard count >= 72, outgoing == 0, buffer[40] == 136, buffer[44] & 0x40 == 0,
                  let target = IPv6Address(octets: buffer[48..<64]) else { continue }
            var option = 64
            while option + 8 <= count, buffer[option + 1] > 0 {
                if buffer[option] == 2, buffer[option + 1] == 1 {
                    heard.append(Heard(interfaceIndex: index, address: .v6(target), hardwareAddress: Array(buffer[(option + 2)..<(option + 8)])))
                    break
                }
                option += Int(buffer[option + 1]) * 8
            }
        }
        return heard
    }
}
