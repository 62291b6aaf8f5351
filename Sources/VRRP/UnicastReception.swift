/// How a unicast virtual router (keepalived `unicast_peer`) checks where an advert came from,
/// with keepalived 2.2's rules (vrrp.c `vrrp_check_packet`), not RFC 3768 / RFC 5798 §7.1's
/// TTL-255 rule: that rule proves a multicast advert never left its link, and a unicast peer
/// may well sit behind routers. So a unicast advert is accepted whatever its TTL, unless
/// `checksSource` is set; then its source must be a configured peer and its TTL within that
/// peer's `min_ttl`...`max_ttl`.
public struct UnicastReception: Hashable, Sendable {
    /// Each configured peer and the TTLs its adverts may arrive with.
    public var peers: [IPAddress: TTLRange]
    /// keepalived `check_unicast_src` (instance), `vrrp_check_unicast_src` (global_defs), or
    /// any peer written with `min_ttl` / `max_ttl` (keepalived sets the flag for those too).
    public var checksSource: Bool

    public init(peers: [IPAddress: TTLRange], checksSource: Bool) {
        self.peers = peers
        self.checksSource = checksSource
    }

    /// Accepts an advert from `source` that arrived with `ttl`, or says why not.
    public func check(source: IPAddress, ttl: UInt8) throws(DropReason) {
        guard checksSource else { return }
        guard let range = peers[source] else { throw .unknownUnicastSource(source) }
        guard range.contains(ttl) else { throw .ttlOutOfRange(ttl, range) }
    }
}
