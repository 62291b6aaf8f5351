import VRRP

/// Another router heard on an instance's VRID. Only a Master advertises (RFC 3768 §6.4.3,
/// RFC 5798 §6.4.3: a Backup is silent), so every advert is that router being Master; a
/// silent Backup is invisible to VRRP, and only a drill (`PeerTakeover`) proves one is
/// ready to take over.
struct PeerHeard: Hashable, Sendable {
    var lastAdvertAt: Instant
    var priority: UInt8
    /// The Master_Adver_Interval it advertised (RFC 5798 §6.4.2 learns it; v2 requires ours).
    var interval: AdvertisementInterval
    var adverts = 0
}

/// A peer that took over from this node in a drill or a maintenance hand-over: proof that it
/// was ready then. Kept under the state directory, so a restart does not forget it.
public struct PeerTakeover: Hashable, Sendable {
    public var instance: String
    public var peer: IPAddress
    public var at: Instant

    public init(instance: String, peer: IPAddress, at: Instant) {
        self.instance = instance
        self.peer = peer
        self.at = at
    }
}

extension PeerHeard {
    /// At most this many per instance: forged sources (v3 has no authentication) evict the
    /// longest silent one, they never grow the node.
    static let limit = 16

    /// An advert from `source`.
    static func note(_ source: IPAddress, priority: UInt8, interval: AdvertisementInterval, at now: Instant,
                     in peers: inout [IPAddress: PeerHeard]) {
        if peers[source] == nil, peers.count >= limit, let oldest = peers.min(by: { $0.value.lastAdvertAt < $1.value.lastAdvertAt })?.key {
            peers[oldest] = nil
        }
        var peer = peers[source] ?? PeerHeard(lastAdvertAt: now, priority: priority, interval: interval)
        peer.lastAdvertAt = now
        peer.priority = priority
        peer.interval = interval
        peer.adverts += 1
        peers[source] = peer
    }
}
