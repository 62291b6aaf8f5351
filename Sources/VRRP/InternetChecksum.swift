/// The Internet checksum of RFC 1071: VRRPv2 sums the VRRP message alone (RFC 3768 §5.3.8);
/// VRRPv3 adds the IP pseudo-header (RFC 5798 §5.2.8).
public enum InternetChecksum {
    /// One's complement of the one's complement sum of 16-bit big-endian words; an odd
    /// trailing byte is padded with zero.
    public static func compute(_ bytes: some Collection<UInt8>) -> UInt16 {
        ~fold(sum(bytes))
    }

    /// RFC 5798 §5.2.8: the checksum of a VRRPv3 message with the pseudo-header of RFC 768
    /// (IPv4: source, destination, zero, protocol 112, length) or RFC 8200 §8.1 (IPv6:
    /// source, destination, 32-bit length, three zero octets, next header 112).
    public static func compute(_ message: [UInt8], source: IPAddress, destination: IPAddress) -> UInt16 {
        var pseudo = source.octets + destination.octets
        let length = message.count
        switch source.family {
        case .ipv4:
            pseudo += [0, IPv4Packet.vrrpProtocol, UInt8(length >> 8 & 0xff), UInt8(length & 0xff)]
        case .ipv6:
            pseudo += [UInt8(length >> 24 & 0xff), UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff),
                       0, 0, 0, IPv4Packet.vrrpProtocol]
        }
        return ~fold(sum(pseudo) + sum(message))
    }

    private static func sum(_ bytes: some Collection<UInt8>) -> UInt32 {
        var sum: UInt32 = 0
        var iterator = bytes.makeIterator()
        while let high = iterator.next() {
            let low = iterator.next() ?? 0
            sum += UInt32(high) << 8 | UInt32(low)
            if sum > 0x7fff_ffff { sum = (sum & 0xffff) + (sum >> 16) }
        }
        return sum
    }

    private static func fold(_ value: UInt32) -> UInt16 {
        var sum = value
        while sum > 0xffff {
            sum = (sum & 0xffff) + (sum >> 16)
        }
        return UInt16(sum)
    }
}
