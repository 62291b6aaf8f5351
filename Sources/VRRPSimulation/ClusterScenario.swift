import VRRP

/// A cluster and the faults thrown at it: everything a run needs, derived from one seed.
public struct ClusterScenario: Sendable, CustomStringConvertible {
    public var seed: UInt64
    public var nodes: [NodeSetup]
    /// The protocol version every node speaks.
    public var version: VRRPVersion
    /// Shared by every node: whole seconds in v2, centiseconds in v3 (down to 10 ms).
    public var advertisementInterval: AdvertisementInterval
    /// Chaos timeline (virtual seconds from the start, sorted).
    public var events: [(at: Duration, event: ChaosEvent)]
    /// When the network is made whole for good and every stopped node restarted.
    public var healAt: Duration
    /// Largest one-way delivery delay; delays are uniform in 0...maxDelay.
    public var maxDelay: Duration

    public static let interfaceIndex: Int32 = 2

    /// The virtual address of instance `offset` (VI_1, VI_2).
    public static func virtualAddress(_ offset: Int = 0) -> IPAddress {
        .v4(IPv4Address(10, 250, 0, UInt8(100 + offset)))
    }

    /// The `virtual_ipaddress_excluded` address of instance `offset`: held and announced after
    /// its virtual address, never advertised.
    public static func excludedAddress(_ offset: Int = 0) -> IPAddress {
        .v4(IPv4Address(10, 250, 0, UInt8(150 + offset)))
    }

    public static func address(of node: Int) -> IPAddress {
        .v4(IPv4Address(10, 250, 0, UInt8(10 + node)))
    }

    public init(seed: UInt64, nodes: [NodeSetup], version: VRRPVersion = .v2, advertisementInterval: AdvertisementInterval = .oneSecond,
                events: [(at: Duration, event: ChaosEvent)], healAt: Duration, maxDelay: Duration) {
        self.seed = seed
        self.nodes = nodes
        self.version = version
        self.advertisementInterval = advertisementInterval
        self.events = events
        self.healAt = healAt
        self.maxDelay = maxDelay
    }

    /// A random scenario: 2 to 5 nodes with random priorities (ties included, sometimes an
    /// address owner), preempt / nopreempt / preempt_delay / fast_preempt, checks with rise
    /// and fall and weights (0: FAULT), sometimes two instances in a sync group; then 60 s of
    /// partitions, loss, duplication, corruption, crashes, graceful stops, flapping checks,
    /// reloads (same file and changed priority), failing netlink, addresses deleted behind
    /// the node's back, links going down, and junk. A third of the seeds speak VRRPv3 with
    /// 10 ms, 100 ms or 1 s adverts (and, as on a LAN that can carry 10 ms adverts, delays
    /// under a quarter of the interval); the rest VRRPv2 with 1 or 2 s.
    public static func random(seed: UInt64) -> ClusterScenario {
        var rng = SeededRandom(seed: seed)
        let count = Int.random(in: 2...5, using: &rng)
        let version: VRRPVersion = seed % 3 == 2 ? .v3 : .v2
        let interval = version == .v3
            ? AdvertisementInterval(centiseconds: [1, 10, 100].randomElement(using: &rng)!)
            : AdvertisementInterval(seconds: rng.chance(0.8) ? 1 : 2)
        let auth: Authentication = version == .v2 && rng.chance(0.5) ? .password("harbor") : .none
        let ownerIndex = rng.chance(0.1) ? Int.random(in: 0..<count, using: &rng) : nil
        let priorities: [UInt8] = [50, 90, 100, 100, 150, 200, 254]
        let grouped = rng.chance(0.3)
        var nodes: [NodeSetup] = []
        for index in 0..<count {
            var setup = NodeSetup(priority: index == ownerIndex ? 255 : priorities.randomElement(using: &rng)!)
            setup.preempt = rng.chance(0.75)
            setup.preemptDelay = setup.preempt && rng.chance(0.25) ? .seconds(Int.random(in: 1...8, using: &rng)) : .zero
            setup.fastPreempt = setup.preempt && rng.chance(0.3)
            setup.sendAdvertisementOnYield = rng.chance(0.8)
            setup.authentication = auth
            setup.gratuitousARP = GratuitousARPPolicy(delay: .seconds(5), repeatCount: 5, refresh: rng.chance(0.2) ? .seconds(7) : nil,
                                                      interval: rng.chance(0.4) ? .milliseconds(Int.random(in: 1...200, using: &rng)) : .zero)
            if rng.chance(0.7) {
                setup.check = .init(weight: [0, -20, -60, 30].randomElement(using: &rng)!, rise: Int.random(in: 1...3, using: &rng),
                                    fall: Int.random(in: 1...3, using: &rng), interval: .milliseconds([500, 1000, 2000].randomElement(using: &rng)!))
            }
            setup.syncGroup = grouped
            nodes.append(setup)
        }
        var events: [(at: Duration, event: ChaosEvent)] = []
        let chaosLength = 60_000
        for _ in 0..<Int.random(in: 5...30, using: &rng) {
            let at = Duration.milliseconds(Int.random(in: 0..<chaosLength, using: &rng))
            let node = Int.random(in: 0..<count, using: &rng)
            let event: ChaosEvent
            switch Int.random(in: 0..<21, using: &rng) {
            case 0, 1:
                var groups: [[Int]] = [[], []]
                for member in 0..<count { groups[Int.random(in: 0...1, using: &rng)].append(member) }
                event = .partition(groups.filter { !$0.isEmpty })
            case 2: event = .heal
            case 3: event = .degrade(loss: Double.random(in: 0...0.6, using: &rng),
                                     duplication: Double.random(in: 0...0.3, using: &rng),
                                     corruption: Double.random(in: 0...0.1, using: &rng))
            case 4: event = .crash(node)
            case 5: event = .stop(node)
            case 6: event = .restart(node)
            case 7, 8: event = .setHealth(node, healthy: rng.chance(0.5))
            case 9: event = .reloadUnchanged(node)
            case 10: event = nodes[node].priority == 255 ? .reloadUnchanged(node)
                : .reloadPriority(node, priorities.randomElement(using: &rng)!)
            case 11: event = .netlinkFailing(node, rng.chance(0.6))
            case 12: event = .deleteAddresses(node)
            case 13: event = .link(node, up: rng.chance(0.5))
            case 14: event = .recreateInterface(node)
            case 15: event = .changeMAC(node)
            case 16: event = .removeSourceAddress(node)
            case 17: event = .foreignPrefix(node)
            case 18: event = .announcementsFailing(node, rng.chance(0.6))
            default: event = .junk
            }
            events.append((at, event))
        }
        events.sort { $0.at < $1.at }
        let maxDelay = min(Duration.milliseconds([1, 20, 150].randomElement(using: &rng)!), interval.duration / 4)
        return ClusterScenario(seed: seed, nodes: nodes, version: version, advertisementInterval: interval, events: events,
                               healAt: .milliseconds(chaosLength), maxDelay: maxDelay)
    }

    public var description: String {
        var lines = ["seed \(seed): \(nodes.count) nodes, \(version) advert_int \(advertisementInterval), max delay \(maxDelay)"]
        for (index, node) in nodes.enumerated() {
            lines.append("  n\(index) \(Self.address(of: index)) priority \(node.priority)"
                + (node.preempt ? "" : " nopreempt")
                + (node.preemptDelay > .zero ? " preempt_delay \(node.preemptDelay)" : "")
                + (node.fastPreempt ? " fast_preempt" : "")
                + (node.sendAdvertisementOnYield ? "" : " no-yield-advert")
                + (node.check.map { " check weight \($0.weight) rise \($0.rise) fall \($0.fall) every \($0.interval)" } ?? "")
                + (node.syncGroup ? " sync group VI_1+VI_2" : ""))
        }
        for (at, event) in events {
            lines.append("  at \(Instant(sinceOrigin: at)): \(event)")
        }
        lines.append("  at \(Instant(sinceOrigin: healAt)): heal for good, restart stopped nodes, netlink works, links up, own addresses back (checks keep their state)")
        return lines.joined(separator: "\n")
    }
}
