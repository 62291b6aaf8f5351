/// The protocol version a virtual router speaks. A virtual router is one version: RFC 5798
/// §8.4 describes a mixed v2/v3 router only as a migration aid, and keepalived (like
/// vipkeeper) drops packets of the other version (§7.1 "MUST verify the VRRP version").
public enum VRRPVersion: UInt8, Hashable, Sendable, CustomStringConvertible {
    /// RFC 3768: IPv4 only, whole-second intervals, optional authentication.
    case v2 = 2
    /// RFC 5798 / RFC 9568: IPv4 or IPv6, centisecond intervals, no authentication, checksum
    /// over the IP pseudo-header.
    case v3 = 3

    public var description: String { "VRRPv\(rawValue)" }
}
