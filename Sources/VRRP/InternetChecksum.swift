/// The Internet checksum of RFC 1071, used by VRRPv2 over the whole VRRP message
/// (RFC 3768 §5.3.8: no pseudo-header in version 2).
public enum InternetChecksum {
    /// One's complement of the one's complement sum of 16-bit big-endian words; an odd
    /// trailing byte is padded with zero.
    public static func compute(_ bytes: some Collection<UInt8>) -> UInt16 {
        var sum: UInt32 = 0
        var iterator = bytes.makeIterator()
        while let high = iterator.next() {
            let low = iterator.next() ?? 0
            sum += UInt32(high) << 8 | UInt32(low)
        }
        while sum > 0xffff {
            sum = (sum & 0xffff) + (sum >> 16)
        }
        return ~UInt16(sum)
    }
}
