/// A VRRPv2 ADVERTISEMENT message (RFC 3768 §5.1), without its IPv4 header.
///
///     byte 0      version (4 bits, = 2) | type (4 bits, 1 = ADVERTISEMENT)
///     byte 1      virtual router id
///     byte 2      priority
///     byte 3      count of IPv4 addresses (n)
///     byte 4      auth type
///     byte 5      advertisement interval (seconds)
///     bytes 6-7   checksum
///     4 * n       IPv4 addresses
///     8           authentication data
public struct Advertisement: Hashable, Sendable {
    public var virtualRouterID: UInt8
    public var priority: UInt8
    /// Whole seconds (§5.3.7).
    public var advertisementInterval: UInt8
    public var authenticationType: UInt8
    /// Always 8 octets.
    public var authenticationData: [UInt8]
    public var addresses: [IPv4Address]

    public static let version: UInt8 = 2
    public static let typeAdvertisement: UInt8 = 1
    /// Fixed header (8) plus authentication data (8).
    public static let fixedLength = 16

    public init(
        virtualRouterID: UInt8,
        priority: UInt8,
        advertisementInterval: UInt8,
        authentication: Authentication,
        addresses: [IPv4Address]
    ) {
        self.virtualRouterID = virtualRouterID
        self.priority = priority
        self.advertisementInterval = advertisementInterval
        self.authenticationType = authentication.typeCode
        self.authenticationData = authentication.data
        self.addresses = addresses
    }

    /// The message on the wire, checksum filled in (§5.3.8). At most 255 addresses are
    /// carried (the count is one octet); configuration validation guarantees 1...255.
    public func encoded() -> [UInt8] {
        let carried = addresses.prefix(255)
        var bytes: [UInt8] = [
            Self.version << 4 | Self.typeAdvertisement,
            virtualRouterID,
            priority,
            UInt8(carried.count),
            authenticationType,
            advertisementInterval,
            0, 0,
        ]
        bytes.reserveCapacity(Self.fixedLength + 4 * carried.count)
        for address in carried {
            bytes += address.octets
        }
        bytes += authenticationData.prefix(8)
        bytes += Array(repeating: 0, count: max(0, 8 - authenticationData.count))
        let checksum = InternetChecksum.compute(bytes)
        bytes[6] = UInt8(checksum >> 8)
        bytes[7] = UInt8(checksum & 0xff)
        return bytes
    }

    /// Decodes the structural part of a received message: version, type, completeness and
    /// checksum, in the order of §7.1. Never traps, whatever the bytes.
    public static func decode(_ bytes: [UInt8]) throws(DropReason) -> Advertisement {
        guard let first = bytes.first else {
            throw .lengthMismatch(received: 0, expected: fixedLength)
        }
        let version = first >> 4
        guard version == Self.version else { throw .unsupportedVersion(version) }
        let type = first & 0x0f
        guard type == typeAdvertisement else { throw .unknownType(type) }
        guard bytes.count >= 8 else {
            throw .lengthMismatch(received: bytes.count, expected: fixedLength)
        }
        let count = Int(bytes[3])
        let expected = fixedLength + 4 * count
        guard bytes.count == expected else {
            throw .lengthMismatch(received: bytes.count, expected: expected)
        }
        var zeroed = bytes
        zeroed[6] = 0
        zeroed[7] = 0
        let computed = InternetChecksum.compute(zeroed)
        let received = UInt16(bytes[6]) << 8 | UInt16(bytes[7])
        guard computed == received else {
            throw .checksumMismatch(received: received, computed: computed)
        }
        var addresses: [IPv4Address] = []
        addresses.reserveCapacity(count)
        for index in 0..<count {
            let offset = 8 + 4 * index
            addresses.append(IPv4Address(bytes[offset], bytes[offset + 1], bytes[offset + 2], bytes[offset + 3]))
        }
        var advertisement = Advertisement(
            virtualRouterID: bytes[1],
            priority: bytes[2],
            advertisementInterval: bytes[5],
            authentication: .none,
            addresses: addresses
        )
        advertisement.authenticationType = bytes[4]
        advertisement.authenticationData = Array(bytes[(8 + 4 * count)...])
        return advertisement
    }
}
