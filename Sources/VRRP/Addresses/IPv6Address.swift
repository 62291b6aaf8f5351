/// An IPv6 address held as two host-order 64-bit halves.
///
/// Ordering compares the 128 bits as one unsigned number, which is the comparison RFC 5798
/// §6.4.3 asks for when two routers with equal priority break the tie ("unsigned integer
/// comparison of the IPvX addresses in network byte order").
public struct IPv6Address: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// From 16 octets in network order; nil unless there are exactly 16.
    public init?(octets: some Collection<UInt8>) {
        guard octets.count == 16 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for (index, octet) in octets.enumerated() {
            if index < 8 { high = high << 8 | UInt64(octet) } else { low = low << 8 | UInt64(octet) }
        }
        self.init(high: high, low: low)
    }

    /// Parses RFC 4291 §2.2 text: eight groups of 1–4 hex digits, one `::` standing for a run
    /// of zero groups. No zone (`%eth0`), no embedded dotted quad, no prefix. Nil otherwise.
    public init?(_ text: some StringProtocol) {
        let scalars = Array(text.unicodeScalars)
        guard !scalars.isEmpty, scalars.count <= 39 else { return nil }
        var head: [UInt16] = []
        var tail: [UInt16] = []
        var sawGap = false
        var index = 0
        if scalars.starts(with: [":", ":"]) {
            sawGap = true
            index = 2
            if index == scalars.count { self.init(high: 0, low: 0); return }
        } else if scalars[0] == ":" {
            return nil
        }
        while index < scalars.count {
            var value: UInt16 = 0
            var digits = 0
            while index < scalars.count, let digit = hexValue(scalars[index]) {
                digits += 1
                guard digits <= 4 else { return nil }
                value = value << 4 | digit
                index += 1
            }
            guard digits > 0 else { return nil }
            if sawGap { tail.append(value) } else { head.append(value) }
            guard index < scalars.count else { break }
            guard scalars[index] == ":" else { return nil }
            index += 1
            if index < scalars.count, scalars[index] == ":" {
                guard !sawGap else { return nil }
                sawGap = true
                index += 1
                if index == scalars.count { break }
            } else if index == scalars.count {
                return nil  // a trailing single colon
            }
        }
        let groups: [UInt16]
        if sawGap {
            guard head.count + tail.count <= 7 else { return nil }
            groups = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        } else {
            guard head.count == 8 else { return nil }
            groups = head
        }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for (position, group) in groups.enumerated() {
            if position < 4 { high = high << 16 | UInt64(group) } else { low = low << 16 | UInt64(group) }
        }
        self.init(high: high, low: low)
    }

    /// The sixteen octets in network order.
    public var octets: [UInt8] {
        (0..<8).map { UInt8(high >> (56 - 8 * UInt64($0)) & 0xff) } + (0..<8).map { UInt8(low >> (56 - 8 * UInt64($0)) & 0xff) }
    }

    /// The eight 16-bit groups.
    public var groups: [UInt16] {
        (0..<4).map { UInt16(high >> (48 - 16 * UInt64($0)) & 0xffff) } + (0..<4).map { UInt16(low >> (48 - 16 * UInt64($0)) & 0xffff) }
    }

    /// ff00::/8.
    public var isMulticast: Bool { high >> 56 == 0xff }

    /// fe80::/10 (RFC 4291 §2.5.6): what VRRPv3 adverts must come from (RFC 5798 §5.1.2.1).
    public var isLinkLocal: Bool { high >> 54 == 0x3fa }

    /// RFC 5952 text: lower case, leading zeros dropped, the longest run of two or more zero
    /// groups (the first of equal runs) written `::`.
    public var description: String {
        let groups = self.groups
        var bestStart = -1
        var bestLength = 1
        var start = 0
        while start < 8 {
            guard groups[start] == 0 else { start += 1; continue }
            var end = start
            while end < 8, groups[end] == 0 { end += 1 }
            if end - start > bestLength { bestStart = start; bestLength = end - start }
            start = end
        }
        func text(_ range: Range<Int>) -> String {
            groups[range].map { String($0, radix: 16) }.joined(separator: ":")
        }
        guard bestStart >= 0 else { return text(0..<8) }
        return text(0..<bestStart) + "::" + text((bestStart + bestLength)..<8)
    }

    public static func < (lhs: IPv6Address, rhs: IPv6Address) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }

    /// RFC 5798 §5.1.2.2: the VRRP IPv6 multicast group ff02::12.
    public static let vrrpMulticastGroup = IPv6Address(high: 0xff02_0000_0000_0000, low: 0x12)
}

private func hexValue(_ scalar: Unicode.Scalar) -> UInt16? {
    switch scalar.value {
    case 0x30...0x39: return UInt16(scalar.value - 0x30)
    case 0x61...0x66: return UInt16(scalar.value - 0x61 + 10)
    case 0x41...0x46: return UInt16(scalar.value - 0x41 + 10)
    default: return nil
    }
}
