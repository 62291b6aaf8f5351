/// VRRPv2 authentication (RFC 3768 §5.3.6–§5.3.7).
///
/// Type 2 (IP Authentication Header) is deprecated by RFC 3768 and not implemented; the
/// configuration layer rejects it, and packets carrying it are dropped as an auth type mismatch.
public enum Authentication: Hashable, Sendable {
    /// Type 0: no authentication; the 8 authentication bytes are zero.
    case none
    /// Type 1: simple text password, the first 8 bytes of the password, zero padded.
    case simplePassword([UInt8])

    /// Builds a type 1 password from configuration text: its first 8 bytes are used,
    /// as keepalived does.
    public static func password(_ text: String) -> Authentication {
        var bytes = Array(text.utf8.prefix(8))
        bytes += Array(repeating: 0, count: 8 - bytes.count)
        return .simplePassword(bytes)
    }

    /// The auth type octet of the advertisement (§5.3.6).
    public var typeCode: UInt8 {
        switch self {
        case .none: return 0
        case .simplePassword: return 1
        }
    }

    /// The 8 authentication data octets (§5.3.10).
    public var data: [UInt8] {
        switch self {
        case .none: return Array(repeating: 0, count: 8)
        case .simplePassword(let bytes): return bytes
        }
    }
}
