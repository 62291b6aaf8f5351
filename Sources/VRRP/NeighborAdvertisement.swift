/// RFC 5798 §8.2.2 / RFC 4861 §7.2.6: an unsolicited Neighbor Advertisement announcing that
/// an IPv6 virtual address is at `hardwareAddress` — the IPv6 counterpart of gratuitous ARP,
/// sent when a router becomes Master. Sent like keepalived's: from the address itself to
/// all-nodes ff02::1, hop limit 255, Override flag set, Router flag clear (the VIP is a
/// service address, not a default gateway), Target Link-Layer Address option.
public enum NeighborAdvertisement {
    /// ff02::1 (RFC 4291 §2.7.1).
    public static let allNodes = IPv6Address(high: 0xff02_0000_0000_0000, low: 1)
    /// The Ethernet multicast address of ff02::1 (RFC 2464 §7).
    public static let allNodesHardwareAddress: [UInt8] = [0x33, 0x33, 0, 0, 0, 1]

    /// The whole IPv6 packet (40-byte header, then the 32-byte ICMPv6 message with its
    /// checksum), ready for an AF_PACKET datagram socket.
    public static func packet(hardwareAddress: [UInt8], address: IPv6Address) -> [UInt8] {
        let mac = Array(hardwareAddress.prefix(6)) + Array(repeating: 0, count: max(0, 6 - hardwareAddress.count))
        var icmp: [UInt8] = [
            136, 0, 0, 0,          // type 136 Neighbor Advertisement, code 0, checksum
            0x20, 0, 0, 0,         // flags: Override (R = 0, S = 0), reserved
        ]
        icmp += address.octets    // target address
        icmp += [2, 1] + mac       // option 2 (Target Link-Layer Address), 1 × 8 octets
        let source = address.octets
        let destination = allNodes.octets
        let length = icmp.count
        let pseudo = source + destination + [0, 0, UInt8(length >> 8), UInt8(length & 0xff), 0, 0, 0, 58]
        let checksum = InternetChecksum.compute(pseudo + icmp)
        icmp[2] = UInt8(checksum >> 8)
        icmp[3] = UInt8(checksum & 0xff)
        let header: [UInt8] = [0x60, 0, 0, 0, UInt8(length >> 8), UInt8(length & 0xff), 58, 255]
        return header + source + destination + icmp
    }
}
