import VRRP

/// A cluster and the faults thrown at it: everything a run needs, derived from one seed.
public struct ClusterScenario: Sendable, CustomStringConvertible {
    public var seed: UInt64
    public var nodes: [RouterConfiguration]
    /// Chaos timeline (virtual seconds from the start, sorted).
    public var events: [(at: Duration, event: ChaosEvent)]
    /// When the network is made whole for good and every stopped node restarted.
    public var healAt: Duration
    /// Largest one-way delivery delay; delays are uniform in 0...maxDelay.
    public var maxDelay: Duration

    public static let virtualAddress = IPv4Address(10, 250, 0, 100)

    public static func address(of node: Int) -> IPv4Address {
        IPv4Address(10, 250, 0, UInt8(10 + node))
    }

    public init(seed: UInt64, nodes: [RouterConfiguration], events: [(at: Duration, event: ChaosEvent)], healAt: Duration, maxDelay: Duration) {
        self.seed = seed
        self.nodes = nodes
        self.events = events
        self.healAt = healAt
        self.maxDelay = maxDelay
    }

    /// A random scenario: 2 to 5 routers with random priorities (ties included, sometimes an
    /// address owner), preempt / nopreempt / preempt_delay, then 60 s of partitions, loss,
    /// duplication, corruption, crashes, graceful stops, priority changes and faults.
    public static func random(seed: UInt64) -> ClusterScenario {
        var rng = SeededRandom(seed: seed)
        let count = Int.random(in: 2...5, using: &rng)
        let interval = UInt8(rng.chance(0.8) ? 1 : 2)
        let auth: Authentication = rng.chance(0.5) ? .password("harbor") : .none
        let ownerIndex = rng.chance(0.1) ? Int.random(in: 0..<count, using: &rng) : nil
        let priorities: [UInt8] = [50, 90, 100, 100, 150, 200, 254]
        var nodes: [RouterConfiguration] = []
        for index in 0..<count {
            let priority = index == ownerIndex ? 255 : priorities.randomElement(using: &rng)!
            let preempt = rng.chance(0.75)
            let delay: Duration = preempt && rng.chance(0.25) ? .seconds(Int.random(in: 1...8, using: &rng)) : .zero
            nodes.append(RouterConfiguration(
                virtualRouterID: 51, basePriority: priority, advertisementIntervalSeconds: interval,
                preempt: preempt, preemptDelay: delay, authentication: auth,
                virtualAddresses: [virtualAddress], localAddress: address(of: index),
                gratuitousARP: GratuitousARPPolicy(delay: .seconds(5), repeatCount: 5, refresh: rng.chance(0.2) ? .seconds(7) : nil),
                sendAdvertisementOnYield: rng.chance(0.3), fastPreempt: preempt && rng.chance(0.3)))
        }
        var events: [(at: Duration, event: ChaosEvent)] = []
        let chaosLength = 60_000
        for _ in 0..<Int.random(in: 5...25, using: &rng) {
            let at = Duration.milliseconds(Int.random(in: 0..<chaosLength, using: &rng))
            let node = Int.random(in: 0..<count, using: &rng)
            let event: ChaosEvent
            switch Int.random(in: 0..<11, using: &rng) {
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
            case 7: event = nodes[node].isAddressOwner ? .junk : .setPriority(node, UInt8.random(in: 1...254, using: &rng))
            case 8: event = .raiseFault(node)
            case 9: event = .clearFault(node)
            default: event = .junk
            }
            events.append((at, event))
        }
        events.sort { $0.at < $1.at }
        let maxDelay = Duration.milliseconds([1, 20, 150].randomElement(using: &rng)!)
        return ClusterScenario(seed: seed, nodes: nodes, events: events, healAt: .milliseconds(chaosLength), maxDelay: maxDelay)
    }

    public var description: String {
        var lines = ["seed \(seed): \(nodes.count) nodes, advert_int \(nodes[0].advertisementIntervalSeconds)s, max delay \(maxDelay)"]
        for (index, node) in nodes.enumerated() {
            lines.append("  n\(index) \(node.localAddress) priority \(node.basePriority)"
                + (node.preempt ? "" : " nopreempt")
                + (node.preemptDelay > .zero ? " preempt_delay \(node.preemptDelay)" : "")
                + (node.fastPreempt ? " fast_preempt" : ""))
        }
        for (at, event) in events {
            lines.append("  at \(Instant(sinceOrigin: at)): \(event)")
        }
        lines.append("  at \(Instant(sinceOrigin: healAt)): heal for good, restart stopped nodes")
        return lines.joined(separator: "\n")
    }
}
