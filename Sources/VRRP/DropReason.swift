/// Why a received VRRP packet was not acted on (RFC 3768 §7.1, RFC 5798 §7.1).
///
/// Every receive failure maps to one of these; the runtime counts them and logs them
/// rate-limited. None of them changes router state.
public enum DropReason: Error, Hashable, Sendable, CustomStringConvertible {
    /// §7.1: "MUST verify that the IP TTL is 255." Applied to multicast adverts and to the
    /// adverts of a multicast virtual router; a unicast router follows `UnicastReception`.
    case ttlNot255(UInt8)
    /// keepalived `unicast_peer { IP min_ttl N max_ttl N }`: a unicast advert from that peer
    /// arrived with a TTL outside the range (keepalived counts it under `ip_ttl_err`).
    case ttlOutOfRange(UInt8, TTLRange)
    /// keepalived `check_unicast_src`: a unicast advert from an address that is not a
    /// configured `unicast_peer`.
    case unknownUnicastSource(IPAddress)
    /// §7.1: "MUST verify the VRRP version field." Versions 2 (IPv4) and 3 are spoken.
    case unsupportedVersion(UInt8)
    /// The virtual router speaks the other version (a mixed v2/v3 router does not work).
    case versionMismatch(received: UInt8, expected: UInt8)
    /// §5.3.2: only type 1 (ADVERTISEMENT) is defined.
    case unknownType(UInt8)
    /// §7.1: "MUST verify that the received packet contains the complete VRRP packet
    /// (including fixed fields, IP Address(es), and Authentication Data)."
    case lengthMismatch(received: Int, expected: Int)
    /// §7.1: "MUST verify the VRRP checksum."
    case checksumMismatch(received: UInt16, computed: UInt16)
    /// §7.1: "MUST verify that the VRID is configured on the receiving interface" — else the
    /// packet belongs to another virtual router and is discarded silently.
    case unknownVirtualRouter(UInt8)
    /// §5.3.6: auth type outside 0...2.
    case invalidAuthType(UInt8)
    /// §7.1: "MUST verify that the Auth Type matches the locally configured authentication method."
    case authTypeMismatch(received: UInt8, expected: UInt8)
    /// §7.1: the simple text password does not match.
    case authFailure
    /// §7.1: "MUST verify that the Adver Interval in the packet is the same as the locally
    /// configured for this virtual router."
    case intervalMismatch(received: AdvertisementInterval, expected: AdvertisementInterval)
    /// RFC 5798 §5.2.7: a v3 Max Adver Int of zero.
    case zeroInterval
    /// §7.1: the address list differs from the configured one and the sender is not the owner.
    case addressListMismatch

    /// The keepalived statistics counter this drop is counted under.
    public var counter: DropCounter {
        switch self {
        case .ttlNot255, .ttlOutOfRange: return .ipTTL
        case .unknownUnicastSource: return .unknownUnicastSource
        case .unsupportedVersion, .unknownType, .versionMismatch: return .invalidType
        case .lengthMismatch, .checksumMismatch: return .packetLength
        case .unknownVirtualRouter: return .unknownVirtualRouter
        case .invalidAuthType: return .invalidAuthType
        case .authTypeMismatch: return .authTypeMismatch
        case .authFailure: return .authFailure
        case .intervalMismatch, .zeroInterval: return .advertInterval
        case .addressListMismatch: return .addressList
        }
    }

    public var description: String {
        switch self {
        case .ttlNot255(let ttl): return "IP TTL is \(ttl), must be 255"
        case .ttlOutOfRange(let ttl, let range): return "IP TTL is \(ttl), not in the peer's min_ttl/max_ttl range \(range)"
        case .unknownUnicastSource(let source): return "unicast source \(source) is not a unicast_peer (check_unicast_src)"
        case .unsupportedVersion(let version): return "VRRP version \(version) is not spoken (2 over IPv4, 3 over IPv4 and IPv6)"
        case .versionMismatch(let received, let expected):
            return "VRRP version \(received) packet for a version \(expected) virtual router (set the same vrrp_version on every node)"
        case .unknownType(let type): return "VRRP packet type \(type), only 1 (ADVERTISEMENT) is defined"
        case .lengthMismatch(let received, let expected):
            return "packet is \(received) bytes, its address count says \(expected)"
        case .checksumMismatch(let received, let computed):
            return "checksum 0x\(hex(received)) does not match computed 0x\(hex(computed))"
        case .unknownVirtualRouter(let vrid): return "virtual router id \(vrid) is not configured on this interface"
        case .invalidAuthType(let type): return "auth type \(type) is not defined"
        case .authTypeMismatch(let received, let expected):
            return "auth type \(received) does not match the configured \(expected)"
        case .authFailure: return "authentication password does not match"
        case .intervalMismatch(let received, let expected):
            return "advertisement interval \(received) does not match the configured \(expected)"
        case .zeroInterval: return "advertisement interval is zero"
        case .addressListMismatch: return "virtual address list does not match the configuration"
        }
    }
}

private func hex(_ value: UInt16) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 4 - digits.count) + digits
}
