import VRRP

/// Runs N virtual routers on a simulated segment in virtual time, executing their actions
/// the way the real runtime does (adverts through the real codec and validator, timers,
/// VIP add/remove) and checking the cluster invariants:
///
/// - on every step: a node holds the VIP exactly while it is Master; every reported
///   transition starts from the state the node was in;
/// - once the network has been whole (and every node restarted) for longer than the
///   largest preempt_delay + Master_Down_Interval + one advert interval: exactly one Master
///   among the running, unfaulted nodes, and no preempting node has a higher priority than it
///   (with everyone preempting, that is the highest priority; with nopreempt, the incumbent
///   may stay);
/// - after that, nothing changes state any more.
public struct ClusterSimulator {
    enum Item {
        case chaos(ChaosEvent)
        case deliver(payload: [UInt8], ttl: UInt8, from: IPv4Address, to: Int, generation: Int)
        case timer(node: Int, token: TimerToken, generation: Int)
        case settledCheck
        case finalCheck
    }

    public let scenario: ClusterScenario
    private var nodes: [SimulatedNode]
    /// Bumped on each restart so packets and timers meant for a dead process are discarded.
    private var generations: [Int]
    private var queue = EventQueue<Item>()
    private var rng: SeededRandom
    private var now = Instant.origin
    private var partition: [[Int]]? = nil
    private var loss = 0.0
    private var duplication = 0.0
    private var corruption = 0.0
    private var healed = false
    private var settled = false
    private var report: SimulationReport

    public init(scenario: ClusterScenario) {
        self.scenario = scenario
        nodes = scenario.nodes.map(SimulatedNode.init(configuration:))
        generations = Array(repeating: 0, count: scenario.nodes.count)
        rng = SeededRandom(seed: scenario.seed ^ 0xA5A5_5A5A_DEAD_BEEF)
        report = SimulationReport(scenario: scenario, violations: [], trace: [], drops: [:], transitions: 0)
    }

    /// Time after healing at which the cluster must have converged.
    public var settleTime: Duration {
        let interval = Duration.seconds(Int(scenario.nodes[0].advertisementIntervalSeconds))
        let largestDelay = scenario.nodes.map(\.preemptDelay).max() ?? .zero
        let largestDown = scenario.nodes.map {
            Timing.masterDownInterval(advertisementInterval: $0.advertisementInterval, priority: 1)
        }.max() ?? .zero
        return largestDelay + largestDown + interval + scenario.maxDelay * 2 + .milliseconds(100)
    }

    public static func run(_ scenario: ClusterScenario) -> SimulationReport {
        var simulator = ClusterSimulator(scenario: scenario)
        return simulator.run()
    }

    public mutating func run() -> SimulationReport {
        for index in nodes.indices {
            start(index)
        }
        for (at, event) in scenario.events {
            queue.push(.chaos(event), at: Instant(sinceOrigin: at))
        }
        let heal = Instant(sinceOrigin: scenario.healAt)
        queue.push(.chaos(.heal), at: heal)
        queue.push(.settledCheck, at: heal + settleTime)
        queue.push(.finalCheck, at: heal + settleTime + .seconds(20))
        var steps = 0
        while let (at, item) = queue.pop() {
            steps += 1
            guard steps < 2_000_000 else {
                violation("the simulation did not finish within 2 000 000 steps")
                break
            }
            now = at
            if case .finalCheck = item {
                checkConverged(label: "20 s after settling")
                break
            }
            process(item)
        }
        return report
    }

    // MARK: - Processing

    private mutating func process(_ item: Item) {
        switch item {
        case .chaos(let event):
            trace("chaos: \(event)")
            apply(event)
        case .deliver(let payload, let ttl, let source, let to, let generation):
            guard generations[to] == generation, nodes[to].router != nil else { return }
            let validator = AdvertisementValidator([nodes[to].configuration])
            do {
                let received = try validator.validate(payload: payload, ttl: ttl, source: source)
                feed(to, .advertisement(received))
            } catch {
                report.drops[error.counterName, default: 0] += 1
            }
        case .timer(let node, let token, let generation):
            guard generations[node] == generation, nodes[node].timers[token.kind] == token else { return }
            nodes[node].timers[token.kind] = nil
            feed(node, .timerFired(token))
        case .settledCheck:
            settled = true
            checkConverged(label: "settled")
        case .finalCheck:
            break
        }
    }

    private mutating func apply(_ event: ChaosEvent) {
        switch event {
        case .partition(let groups):
            guard !healed else { return }
            partition = groups
        case .heal:
            partition = nil
            loss = 0
            duplication = 0
            corruption = 0
            if now >= Instant(sinceOrigin: scenario.healAt) {
                healed = true
                for index in nodes.indices where !nodes[index].isUp {
                    start(index)
                }
            }
        case .degrade(let newLoss, let newDuplication, let newCorruption):
            guard !healed else { return }
            loss = newLoss
            duplication = newDuplication
            corruption = newCorruption
        case .crash(let index):
            guard nodes[index].isUp else { return }
            nodes[index].router = nil
            nodes[index].timers = [:]
            // The machine's VIP goes with it (a restart removes leftovers before anything else).
            nodes[index].holdsVirtualAddress = false
            generations[index] += 1
        case .stop(let index):
            guard nodes[index].isUp else { return }
            feed(index, .shutdown)
            nodes[index].router = nil
            nodes[index].timers = [:]
            generations[index] += 1
        case .restart(let index):
            guard !nodes[index].isUp else { return }
            start(index)
        case .setPriority(let index, let priority):
            nodes[index].priority = priority
            if nodes[index].isUp { feed(index, .priorityChanged(priority)) }
        case .raiseFault(let index):
            nodes[index].faulted = true
            if nodes[index].isUp { feed(index, .faultRaised("simulated check down")) }
        case .clearFault(let index):
            nodes[index].faulted = false
            if nodes[index].isUp { feed(index, .faultCleared) }
        case .junk:
            injectJunk()
        }
    }

    private mutating func start(_ index: Int) {
        generations[index] += 1
        nodes[index].router = VirtualRouter(configuration: nodes[index].configuration)
        nodes[index].holdsVirtualAddress = false
        // The runtime reports current tracker state before Startup.
        if nodes[index].priority != nodes[index].configuration.basePriority {
            feed(index, .priorityChanged(nodes[index].priority))
        }
        if nodes[index].faulted {
            feed(index, .faultRaised("simulated check down"))
        }
        feed(index, .startup)
    }

    /// Hands one event to a node's router and carries out the actions, checking the per-step
    /// invariants.
    private mutating func feed(_ index: Int, _ event: RouterEvent) {
        guard var router = nodes[index].router else { return }
        let before = router.state
        let actions = router.handle(event, now: now)
        nodes[index].router = router
        var state = before
        for action in actions {
            switch action {
            case .sendAdvertisement(let advert):
                broadcast(advert.encoded(), from: index)
            case .addVirtualAddresses:
                nodes[index].holdsVirtualAddress = true
            case .removeVirtualAddresses:
                nodes[index].holdsVirtualAddress = false
            case .sendGratuitousARP:
                break
            case .setTimer(let token, let deadline):
                nodes[index].timers[token.kind] = token
                queue.push(.timer(node: index, token: token, generation: generations[index]), at: deadline)
            case .cancelTimer(let kind):
                nodes[index].timers[kind] = nil
            case .stateChanged(let from, let to, let reason):
                report.transitions += 1
                trace("n\(index) \(from) -> \(to) (\(reason)) priority \(router.priority)")
                if from != state {
                    violation("n\(index) reported a transition from \(from) while in \(state)")
                }
                state = to
                if settled {
                    violation("n\(index) changed state \(from) -> \(to) after the cluster had settled")
                }
            }
        }
        if state != router.state {
            violation("n\(index) reported \(state) but is \(router.state)")
        }
        let holds = nodes[index].holdsVirtualAddress
        if holds != (router.state == .master) {
            violation("n\(index) is \(router.state) but \(holds ? "holds" : "does not hold") the VIP")
        }
    }

    private mutating func broadcast(_ payload: [UInt8], from sender: Int) {
        let source = nodes[sender].configuration.localAddress
        for receiver in nodes.indices where receiver != sender && connected(sender, receiver) {
            guard !rng.chance(loss) else { continue }
            let copies = rng.chance(duplication) ? 2 : 1
            for _ in 0..<copies {
                var bytes = payload
                if rng.chance(corruption) {
                    bytes[Int.random(in: 0..<bytes.count, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng)
                }
                let delay = Duration.nanoseconds(Int64.random(in: 0...nanoseconds(scenario.maxDelay), using: &rng))
                queue.push(.deliver(payload: bytes, ttl: 255, from: source, to: receiver, generation: generations[receiver]), at: now + delay)
            }
        }
    }

    /// A stranger on the segment: foreign VRID, wrong auth, wrong TTL, wrong interval, garbage.
    private mutating func injectJunk() {
        let stranger = IPv4Address(10, 250, 0, 250)
        let base = scenario.nodes[0]
        var advert = Advertisement(virtualRouterID: base.virtualRouterID, priority: 254,
                                   advertisementInterval: base.advertisementIntervalSeconds,
                                   authentication: .password("intruder"), addresses: base.virtualAddresses)
        var ttl: UInt8 = 255
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: advert.virtualRouterID &+= 1
        case 1: ttl = 64
        case 2: advert.advertisementInterval &+= 1
        default: break
        }
        let payload = Int.random(in: 0..<5, using: &rng) == 0
            ? (0..<Int.random(in: 0..<40, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            : advert.encoded()
        for receiver in nodes.indices {
            queue.push(.deliver(payload: payload, ttl: ttl, from: stranger, to: receiver, generation: generations[receiver]), at: now)
        }
    }

    private func connected(_ a: Int, _ b: Int) -> Bool {
        guard let partition else { return true }
        return partition.contains { $0.contains(a) && $0.contains(b) }
    }

    // MARK: - Invariants

    private mutating func checkConverged(label: String) {
        let eligible = nodes.indices.filter { nodes[$0].isUp && !nodes[$0].faulted }
        let masters = nodes.indices.filter { nodes[$0].state == .master }
        let summary = nodes.indices.map { "n\($0)=\(nodes[$0].state.map { "\($0)" } ?? "down")" }.joined(separator: " ")
        trace("check (\(label)): \(summary)")
        if eligible.isEmpty {
            if !masters.isEmpty { violation("\(label): no eligible node, yet masters \(masters)") }
            return
        }
        guard masters.count == 1, let master = masters.first else {
            violation("\(label): expected exactly one Master among \(eligible), found \(masters) (\(summary))")
            return
        }
        let masterPriority = nodes[master].router?.priority ?? 0
        for index in eligible where index != master {
            let node = nodes[index]
            guard let router = node.router else { continue }
            if node.configuration.preempt && router.priority > masterPriority {
                violation("\(label): n\(master) is Master with priority \(masterPriority) but preempting n\(index) has \(router.priority)")
            }
        }
        for index in nodes.indices where nodes[index].holdsVirtualAddress && index != master {
            violation("\(label): n\(index) holds the VIP but n\(master) is Master")
        }
    }

    private mutating func violation(_ message: String) {
        report.violations.append("[\(now)] \(message)")
    }

    private mutating func trace(_ line: String) {
        report.trace.append("[\(now)] \(line)")
    }
}

private func nanoseconds(_ duration: Duration) -> Int64 {
    let (seconds, attoseconds) = duration.components
    return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
}
