/// keepalived `unicast_peer { IP min_ttl N max_ttl N }`: the IPv4 TTL / IPv6 Hop Limit an
/// advert from that peer may arrive with. keepalived's defaults (0 and 255) accept any.
///
/// Not a `ClosedRange`: keepalived takes `min_ttl` above `max_ttl` (warning that every packet
/// will be discarded), and so must we.
public struct TTLRange: Hashable, Sendable, CustomStringConvertible {
    public var minimum: UInt8
    public var maximum: UInt8

    public init(minimum: UInt8 = 0, maximum: UInt8 = 255) {
        self.minimum = minimum
        self.maximum = maximum
    }

    /// Every TTL: a peer written without `min_ttl` / `max_ttl`.
    public static let any = TTLRange()

    public func contains(_ ttl: UInt8) -> Bool { minimum <= ttl && ttl <= maximum }

    /// True when nothing can arrive (`min_ttl` above `max_ttl`).
    public var isEmpty: Bool { minimum > maximum }

    public var description: String { "[\(minimum), \(maximum)]" }
}
