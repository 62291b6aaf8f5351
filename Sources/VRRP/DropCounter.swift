/// The statistics counter a dropped packet is counted under: keepalived's own counters
/// (`rawValue` is keepalived's name), so operators migrating from keepalived find the familiar
/// names in `status`, the state dump and the metrics.
public enum DropCounter: String, CaseIterable, Hashable, Sendable, Comparable, CustomStringConvertible {
    case packetLength = "packet_len_err"
    case advertInterval = "advert_interval_err"
    case ipTTL = "ip_ttl_err"
    case invalidType = "invalid_type_rcvd"
    case addressList = "addr_list_err"
    case invalidAuthType = "invalid_authtype"
    case authTypeMismatch = "authtype_mismatch"
    case authFailure = "auth_failure"
    case unknownVirtualRouter = "unknown_vrid"
    /// vipkeeper's own: keepalived logs a `check_unicast_src` drop ("not a unicast peer") but
    /// counts it nowhere; every drop here is counted.
    case unknownUnicastSource = "unknown_unicast_src"

    public var description: String { rawValue }

    public static func < (lhs: DropCounter, rhs: DropCounter) -> Bool { lhs.rawValue < rhs.rawValue }
}

extension Dictionary where Key == DropCounter, Value == Int {
    /// By keepalived counter name, for JSON.
    public var byName: [String: Int] {
        Dictionary<String, Int>(uniqueKeysWithValues: map { ($0.key.rawValue, $0.value) })
    }
}
