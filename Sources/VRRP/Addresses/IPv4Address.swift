/// An IPv4 address held as a host-order 32-bit number.
///
/// Ordering compares the addresses as unsigned 32-bit numbers, which is exactly what
/// RFC 3768 §6.4.3 asks for when two Masters with equal priority break the tie.
public struct IPv4Address: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var value: UInt32

    public init(_ value: UInt32) {
        self.value = value
    }

    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        value = UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
    }

    /// Parses strict dotted-quad text (`10.250.0.1`); nil for anything else.
    public init?(_ text: some StringProtocol) {
        var octets: [UInt32] = []
        var current: UInt32 = 0
        var digits = 0
        for scalar in text.unicodeScalars {
            if scalar == "." {
                guard digits > 0, octets.count < 3 else { return nil }
                octets.append(current)
                current = 0
                digits = 0
            } else if scalar.value >= 0x30, scalar.value <= 0x39 {
                digits += 1
                current = current * 10 + (scalar.value - 0x30)
                guard digits <= 3, current <= 255 else { return nil }
            } else {
                return nil
            }
        }
        guard digits > 0, octets.count == 3 else { return nil }
        octets.append(current)
        value = octets[0] << 24 | octets[1] << 16 | octets[2] << 8 | octets[3]
    }

    /// The four octets in network order.
    public var octets: [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
    }

    /// 224.0.0.0/4.
    public var isMulticast: Bool { value >> 28 == 0xE }

    public var description: String {
        octets.map(String.init).joined(separator: ".")
    }

    public static func < (lhs: IPv4Address, rhs: IPv4Address) -> Bool {
        lhs.value < rhs.value
    }

    /// RFC 3768 §5.2.2: the VRRP IPv4 multicast group.
    public static let vrrpMulticastGroup = IPv4Address(224, 0, 0, 18)
}
