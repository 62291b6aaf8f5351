/// A VRRP ADVERTISEMENT message, without its IP header: version 2 (RFC 3768 §5.1) or
/// version 3 (RFC 5798 §5.1).
///
///     v2                                       v3
///     byte 0     version 2 | type 1            version 3 | type 1
///     byte 1     virtual router id             virtual router id
///     byte 2     priority                      priority
///     byte 3     count of addresses (n)        count of addresses (n)
///     byte 4     auth type                     reserved (4 bits) | Max Adver Int (12 bits,
///     byte 5     interval (seconds)              centiseconds)
///     bytes 6-7  checksum (message only)       checksum (with the IP pseudo-header)
///                4 * n IPv4 addresses          4 * n IPv4 or 16 * n IPv6 addresses
///                8 octets authentication       (nothing)
public struct Advertisement: Hashable, Sendable {
    public var version: VRRPVersion
    public var virtualRouterID: UInt8
    public var priority: UInt8
    /// v2: whole seconds (§5.3.7); v3: Max Adver Int (RFC 5798 §5.2.7).
    public var interval: AdvertisementInterval
    /// v2 only; 0 in v3.
    public var authenticationType: UInt8
    /// v2: always 8 octets; v3: empty.
    public var authenticationData: [UInt8]
    /// IPv4 in v2; one family in v3.
    public var addresses: [IPAddress]

    public static let typeAdvertisement: UInt8 = 1
    /// v2: fixed header (8) plus authentication data (8).
    public static let fixedLengthV2 = 16
    /// v3: the fixed header only.
    public static let fixedLengthV3 = 8

    /// How many addresses one advert carries on an interface of `mtu` bytes without being
    /// fragmented: an advert that must be fragmented is lost to a receiver that cannot
    /// reassemble it, and both routers become Master. keepalived's rule, so both count alike
    /// (the lists must match, §7.1): the MTU less an Ethernet header (14), the IP header (20 or
    /// 40), the fixed VRRP header (8) and, in v2, the authentication data (8), divided by the
    /// address size; at most 255, the width of Count IPvX Addr (RFC 5798 §5.2.5).
    public static func maximumAddresses(version: VRRPVersion, family: AddressFamily, mtu: Int) -> Int {
        let ipHeader = family == .ipv4 ? 20 : 40
        let fixed = version == .v2 ? fixedLengthV2 : fixedLengthV3
        let addressSize = family == .ipv4 ? 4 : 16
        return max(0, min(255, (mtu - 14 - ipHeader - fixed) / addressSize))
    }

    /// The MTU assumed where the interface's is not known (`vipkeeper check`): Ethernet's, as
    /// keepalived assumes.
    public static let defaultMTU = 1500

    public init(
        version: VRRPVersion = .v2,
        virtualRouterID: UInt8,
        priority: UInt8,
        interval: AdvertisementInterval,
        authentication: Authentication = .none,
        addresses: [IPAddress]
    ) {
        self.version = version
        self.virtualRouterID = virtualRouterID
        self.priority = priority
        self.interval = interval
        switch version {
        case .v2:
            self.authenticationType = authentication.typeCode
            self.authenticationData = authentication.data
        case .v3:
            self.authenticationType = 0
            self.authenticationData = []
        }
        self.addresses = addresses
    }

    /// The message on the wire from `source` to `destination`, checksum filled in (v2
    /// §5.3.8 over the message; v3 §5.2.8 with the pseudo-header of those addresses). At most
    /// 255 addresses are carried (the count is one octet); configuration validation
    /// guarantees 1...255, and one family (the source's in v3, IPv4 in v2).
    public func encoded(from source: IPAddress, to destination: IPAddress) -> [UInt8] {
        let family: AddressFamily = version == .v2 ? .ipv4 : source.family
        let carried = addresses.filter { $0.family == family }.prefix(255)
        var bytes: [UInt8] = [version.rawValue << 4 | Self.typeAdvertisement, virtualRouterID, priority, UInt8(carried.count)]
        switch version {
        case .v2:
            bytes += [authenticationType, interval.wholeSeconds ?? UInt8(min(255, interval.centiseconds / 100))]
        case .v3:
            let field = min(interval.centiseconds, 0x0fff)
            bytes += [UInt8(field >> 8), UInt8(field & 0xff)]
        }
        bytes += [0, 0]
        bytes.reserveCapacity(Self.fixedLengthV2 + family.addressLength * carried.count)
        for address in carried {
            bytes += address.octets
        }
        let checksum: UInt16
        switch version {
        case .v2:
            bytes += authenticationData.prefix(8)
            bytes += Array(repeating: 0, count: max(0, 8 - authenticationData.count))
            checksum = InternetChecksum.compute(bytes)
        case .v3:
            checksum = InternetChecksum.compute(bytes, source: source, destination: destination)
        }
        bytes[6] = UInt8(checksum >> 8)
        bytes[7] = UInt8(checksum & 0xff)
        return bytes
    }

    /// Decodes the structural part of a received message in the order of §7.1: version,
    /// type, completeness, checksum (v3: over the pseudo-header of `source` and
    /// `destination`, whose family is also the family of the address list). v2 is IPv4 only.
    /// Never traps, whatever the bytes.
    public static func decode(_ bytes: [UInt8], from source: IPAddress, to destination: IPAddress) throws(DropReason) -> Advertisement {
        guard let first = bytes.first else {
            throw .lengthMismatch(received: 0, expected: fixedLengthV3)
        }
        guard let version = VRRPVersion(rawValue: first >> 4), version == .v3 || source.family == .ipv4 else {
            throw .unsupportedVersion(first >> 4)
        }
        let type = first & 0x0f
        guard type == typeAdvertisement else { throw .unknownType(type) }
        guard bytes.count >= 8 else {
            throw .lengthMismatch(received: bytes.count, expected: version == .v2 ? fixedLengthV2 : fixedLengthV3)
        }
        let family = source.family
        let count = Int(bytes[3])
        let expected = (version == .v2 ? fixedLengthV2 : fixedLengthV3) + family.addressLength * count
        guard bytes.count == expected else {
            throw .lengthMismatch(received: bytes.count, expected: expected)
        }
        var zeroed = bytes
        zeroed[6] = 0
        zeroed[7] = 0
        let computed = version == .v2
            ? InternetChecksum.compute(zeroed)
            : InternetChecksum.compute(zeroed, source: source, destination: destination)
        let received = UInt16(bytes[6]) << 8 | UInt16(bytes[7])
        guard computed == received else {
            throw .checksumMismatch(received: received, computed: computed)
        }
        var addresses: [IPAddress] = []
        addresses.reserveCapacity(count)
        for index in 0..<count {
            let offset = 8 + family.addressLength * index
            if family == .ipv4 {
                addresses.append(.v4(IPv4Address(bytes[offset], bytes[offset + 1], bytes[offset + 2], bytes[offset + 3])))
            } else if let address = IPv6Address(octets: bytes[offset..<(offset + 16)]) {
                addresses.append(.v6(address))
            }
        }
        switch version {
        case .v2:
            var advertisement = Advertisement(version: .v2, virtualRouterID: bytes[1], priority: bytes[2],
                                              interval: AdvertisementInterval(seconds: bytes[5]), addresses: addresses)
            advertisement.authenticationType = bytes[4]
            advertisement.authenticationData = Array(bytes[(8 + 4 * count)...])
            return advertisement
        case .v3:
            // §5.2.7: the 4 reserved bits are ignored on receipt.
            let interval = UInt16(bytes[4] & 0x0f) << 8 | UInt16(bytes[5])
            return Advertisement(version: .v3, virtualRouterID: bytes[1], priority: bytes[2],
                                 interval: AdvertisementInterval(centiseconds: interval), addresses: addresses)
        }
    }
}
