import Node
import VRRP

/// Runs N node models (`Node`, the daemon's own policy) on a simulated segment in virtual
/// time. The simulator is their executor: adverts go through the real codec as IPv4 packets,
/// timers fire, check runs answer from the node's simulated health, address changes land in
/// a simulated kernel (or fail while netlink is made to fail) and come back as address
/// events. Invariants:
///
/// - on every step: a node reports an address as held only while the kernel has it; a
///   Master's address is in the kernel unless a failed change is being retried; a non-Master's
///   is not, unless a failed removal is being retried;
/// - a reload with an unchanged file changes no instance's id, state, priority or timers;
/// - once the network has been whole (every node restarted, netlink working, links up) for
///   longer than the checks' rise/fall, the largest preempt_delay, Master_Down_Interval and
///   one advert interval: per instance exactly one Master among the running, unfaulted nodes,
///   only its kernel has the address, no preempting node has a higher priority than it, and
///   the members of a sync group are in one state;
/// - after that, nothing changes state any more.
public struct ClusterSimulator {
    enum Item {
        case chaos(ChaosEvent)
        case deliver(packet: [UInt8], to: Int, generation: Int)
        case timer(node: Int, timer: NodeTimer, sequence: UInt64, generation: Int)
        case checkResult(node: Int, run: CheckRunID, outcome: CheckOutcome, generation: Int)
        case settledCheck
        case finalCheck
    }

    public let scenario: ClusterScenario
    private var nodes: [SimulatedNode]
    /// Bumped on each restart so packets, timers and results meant for a dead process are discarded.
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
    private var nextSequence: UInt64 = 0
    /// The ifindex the next re-created interface gets (the kernel never reuses one soon).
    private var nextInterfaceIndex = ClusterScenario.interfaceIndex + 100
    private var report: SimulationReport

    public init(scenario: ClusterScenario) {
        self.scenario = scenario
        nodes = scenario.nodes.enumerated().map { SimulatedNode(setup: $1, index: $0) }
        generations = Array(repeating: 0, count: scenario.nodes.count)
        rng = SeededRandom(seed: scenario.seed ^ 0xA5A5_5A5A_DEAD_BEEF)
        report = SimulationReport(scenario: scenario, violations: [], trace: [], drops: [:], transitions: 0)
    }

    private var interval: Duration { scenario.advertisementInterval.duration }

    /// Time after healing at which the cluster must have converged.
    public var settleTime: Duration {
        let largestDelay = scenario.nodes.map(\.preemptDelay).max() ?? .zero
        let largestDown = Timing.masterDownInterval(priority: 1, version: scenario.version,
                                                    masterAdvertisementInterval: scenario.advertisementInterval)
        let checks = scenario.nodes.compactMap(\.check).map { $0.interval * (max($0.rise, $0.fall) + 1) }.max() ?? .zero
        return checks + largestDelay + largestDown + interval + scenario.maxDelay * 2 + .seconds(1) + .milliseconds(100)
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
            guard steps < 3_000_000 else {
                violation("the simulation did not finish within 3 000 000 steps")
                break
            }
            now = at
            if case .finalCheck = item {
                checkConverged(label: "20 s after settling")
                break
            }
            process(item)
        }
        for index in nodes.indices { collectDrops(index) }
        return report
    }

    // MARK: - Processing

    private mutating func process(_ item: Item) {
        switch item {
        case .chaos(let event):
            trace("chaos: \(event)")
            apply(event)
        case .deliver(let packet, let to, let generation):
            guard generations[to] == generation, nodes[to].linkUp else { return }
            feed(to, .packet(packet, interfaceIndex: nodes[to].host.index))
        case .timer(let node, let timer, let sequence, let generation):
            guard generations[node] == generation, nodes[node].timers[timer.slot]?.sequence == sequence else { return }
            nodes[node].timers[timer.slot] = nil
            feed(node, .timerFired(timer))
        case .checkResult(let node, let run, let outcome, let generation):
            guard generations[node] == generation else { return }
            feed(node, .checkCompleted(run, outcome, duration: .milliseconds(5)))
        case .settledCheck:
            settled = true
            // Every node's states now, so its very first change after settling is caught.
            for index in nodes.indices { lastSettledStates[index] = nodes[index].views.map(\.state) }
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
                for index in nodes.indices {
                    if nodes[index].netlinkFailing { apply(.netlinkFailing(index, false)) }
                    if nodes[index].announcementsFailing { apply(.announcementsFailing(index, false)) }
                    if !nodes[index].linkUp { apply(.link(index, up: true)) }
                    if nodes[index].host.addresses.isEmpty {
                        nodes[index].host.addresses = [ClusterScenario.address(of: index)]
                        feed(index, .interface("eth0", nodes[index].host))
                    }
                    if !nodes[index].isUp { start(index) }
                }
            }
        case .degrade(let newLoss, let newDuplication, let newCorruption):
            guard !healed else { return }
            loss = newLoss
            duplication = newDuplication
            corruption = newCorruption
        case .crash(let index):
            guard nodes[index].isUp, !healed else { return }
            collectDrops(index)
            nodes[index].node = nil
            nodes[index].timers = [:]
            generations[index] += 1
        case .stop(let index):
            // A Master that resigned keeps running until the new Master announces itself
            // (make-before-break); `feed` retires the node once its stop is over.
            guard nodes[index].isUp, !healed else { return }
            feed(index, .stop)
        case .restart(let index):
            guard !nodes[index].isUp else { return }
            start(index)
        case .setHealth(let index, let healthy):
            guard !healed else { return }
            nodes[index].healthy = healthy
        case .reloadUnchanged(let index):
            reload(index, priority: nil)
        case .reloadPriority(let index, let priority):
            guard !healed else { return }
            reload(index, priority: priority)
        case .netlinkFailing(let index, let failing):
            guard !healed || !failing else { return }
            nodes[index].netlinkFailing = failing
        case .deleteAddresses(let index):
            guard !nodes[index].kernel.isEmpty else { return }
            nodes[index].kernel = []
            feed(index, .addresses(interfaceIndex: nodes[index].host.index, present: []))
        case .link(let index, let up):
            guard !healed || up else { return }
            nodes[index].host.isUp = up
            feed(index, .interface("eth0", nodes[index].host))
        case .junk:
            injectJunk()
        case .recreateInterface(let index):
            guard !healed else { return }
            if nodes[index].isUp { report.hostChanges += 1 }
            nextInterfaceIndex += 1
            nodes[index].host.index = nextInterfaceIndex
            nodes[index].kernel = []
            feed(index, .interface("eth0", nil))
            feed(index, .interface("eth0", nodes[index].host))
            feed(index, .addresses(interfaceIndex: nodes[index].host.index, present: []))
        case .changeMAC(let index):
            guard !healed else { return }
            if nodes[index].isUp { report.hostChanges += 1 }
            nodes[index].host.hardwareAddress[4] &+= 1
            feed(index, .interface("eth0", nodes[index].host))
        case .announcementsFailing(let index, let failing):
            guard !healed || !failing else { return }
            nodes[index].announcementsFailing = failing
        case .foreignPrefix(let index):
            // Another tool adds the node's VIP as a /32 beside the configured /24.
            guard !healed, nodes[index].kernelHas(ClusterScenario.virtualAddress()) else { return }
            if nodes[index].isUp { report.hostChanges += 1 }
            nodes[index].kernel.append(HostAddress(ClusterScenario.virtualAddress(), prefixLength: 32, label: "eth0"))
            feed(index, .addresses(interfaceIndex: nodes[index].host.index, present: nodes[index].kernel))
        case .removeSourceAddress(let index):
            guard !healed else { return }
            if nodes[index].isUp { report.hostChanges += 1 }
            nodes[index].host.addresses = []
            feed(index, .interface("eth0", nodes[index].host))
        }
    }

    /// A new process; like the daemon, it refuses to start where its binder refuses (eth0
    /// has no address to advertise from) and stays down until the next restart.
    private mutating func start(_ index: Int) {
        generations[index] += 1
        nodes[index].timers = [:]
        guard let bound = bind(index) else {
            nodes[index].node = nil
            trace("n\(index) cannot start: no address on eth0 to advertise from")
            return
        }
        nodes[index].node = Node(configuration: bound)
        // The runtime reports the interfaces, then starts the node, then reads the addresses.
        feed(index, .interface("eth0", nodes[index].host))
        feed(index, .start)
        feed(index, .addresses(interfaceIndex: nodes[index].host.index, present: nodes[index].kernel))
    }

    private func bind(_ index: Int) -> BoundConfiguration? {
        nodes[index].setup.bound(node: index, host: nodes[index].host, version: scenario.version,
                                 advertisementInterval: scenario.advertisementInterval)
    }

    private mutating func reload(_ index: Int, priority: UInt8?) {
        guard nodes[index].isUp else { return }
        if let priority { nodes[index].setup.priority = priority }
        let before = nodes[index].views
        let routerTimers = nodes[index].timers.filter { if case .router = $0.key { true } else { false } }.mapValues(\.timer)
        guard let bound = bind(index) else { return }  // the daemon refuses such a reload
        feed(index, .reload(bound))
        guard priority == nil else { return }
        let after = nodes[index].views
        let routerTimersAfter = nodes[index].timers.filter { if case .router = $0.key { true } else { false } }.mapValues(\.timer)
        for (old, new) in zip(before, after) where old.id != new.id || old.state != new.state || old.priority != new.priority
            || old.armedTimers != new.armedTimers {
            violation("n\(index) \(old.name): a reload with the same file changed it: \(old.state)/\(old.priority) -> \(new.state)/\(new.priority)")
        }
        if before.count != after.count || routerTimers != routerTimersAfter {
            violation("n\(index): a reload with the same file changed the router timers")
        }
    }

    /// Hands one event to a node through the daemon's own driver (`Node.drive`), the simulator
    /// carrying out the effects; then the per-step invariants.
    private mutating func feed(_ index: Int, _ event: NodeEvent) {
        guard var node = nodes[index].node else { return }
        var stopping = node.isStopping
        if case .stop = event { stopping = true }
        nodes[index].node = nil  // keep the model uniquely referenced while it changes
        let device = nodes[index].host.index
        var kernel = nodes[index].kernel  // what a read-back sees: the kernel after the last effects
        node.drive(event, now: now, execute: { effects in
            let failures = self.execute(effects, on: index)
            kernel = self.nodes[index].kernel
            return failures
        }, readAddresses: { [device: kernel] })
        nodes[index].node = node
        checkStep(index)
        if stopping && !node.isRunning {
            collectDrops(index)
            nodes[index].node = nil
            nodes[index].timers = [:]
            generations[index] += 1
        }
    }

    private mutating func execute(_ effects: [NodeEffect], on index: Int) -> [NodeEvent] {
        var failures: [NodeEvent] = []
        let netlinkError = EffectError(code: -105, message: "simulated netlink failure")
        for effect in effects {
            switch effect {
            case .send(let outbound):
                guard outbound.interface.index == nodes[index].host.index else {
                    failures.append(.effectFailed(effect, EffectError(code: 19, message: "simulated: no device with ifindex \(outbound.interface.index)")))
                    continue
                }
                guard nodes[index].host.addresses.contains(outbound.source) else {
                    failures.append(.effectFailed(effect, EffectError(code: 99, message: "simulated: \(outbound.source) is not on eth0")))
                    continue
                }
                guard nodes[index].linkUp else {
                    failures.append(.effectFailed(effect, EffectError(code: 100, message: "simulated: network is down")))
                    continue
                }
                for destination in outbound.destinations {
                    guard let source = outbound.source.ipv4, let target = destination.ipv4 else { continue }
                    let packet = IPv4Packet(source: source, destination: target, ttl: 255, payload: outbound.payload)
                    broadcast(packet.encoded(), from: index)
                }
            case .addAddress(let change), .renewAddress(let change):
                // The simulated kernel keeps no lifetimes: a renewal adds back what is gone.
                guard !nodes[index].netlinkFailing else { failures.append(.effectFailed(effect, netlinkError)); continue }
                guard change.binding.device.index == nodes[index].host.index else {
                    failures.append(.effectFailed(effect, EffectError(code: 19, message: "simulated: no device with ifindex \(change.binding.device.index)")))
                    continue
                }
                nodes[index].kernel.add(change.binding.address)
            case .removeAddress(let change), .removeLeftoverAddress(let change):
                guard !nodes[index].netlinkFailing else { failures.append(.effectFailed(effect, netlinkError)); continue }
                // A device that is gone took its addresses with it: absent is done.
                guard change.binding.device.index == nodes[index].host.index else { continue }
                nodes[index].kernel.remove(change.binding.address)
            case .gratuitousARP(let request):
                // Through the daemon's own loop (`announceEach`), the simulated kernel sending.
                failures += request.announceEach { binding in announce(binding, on: index) }
            case .bindTransports(let transports):
                if let stale = transports.first(where: { $0.interface.index != nodes[index].host.index }) {
                    failures.append(.effectFailed(effect, EffectError(code: 19, message: "simulated: no device with ifindex \(stale.interface.index)")))
                }
            case .drainAddress, .endDrain, .runNotify, .statusChanged, .reply, .persistMaintenance, .persistTakeovers, .watchAnnouncements, .dropTraffic, .followNotifyFIFOs, .writeNotifyFIFO,
                 .ensureVirtualMAC, .removeVirtualMAC, .addRouting, .removeRouting, .sendMail, .record:
                break
            case .armTimer(let timer, let deadline):
                nextSequence += 1
                nodes[index].timers[timer.slot] = (timer, nextSequence)
                queue.push(.timer(node: index, timer: timer, sequence: nextSequence, generation: generations[index]), at: deadline)
            case .cancelTimer(let slot):
                nodes[index].timers[slot] = nil
            case .runCheck(let run):
                let outcome: CheckOutcome = nodes[index].healthy ? .success : .failure("simulated Harbor down")
                let delay = Duration.milliseconds(Int.random(in: 0...30, using: &rng))
                queue.push(.checkResult(node: index, run: run.id, outcome: outcome, generation: generations[index]), at: now + delay)
            case .log(let line):
                guard line.level >= .notice else { break }
                if line.message.contains(" -> ") && !line.message.hasPrefix("reload") { report.transitions += 1 }
                trace("n\(index) \(line.message)")
            }
        }
        return failures
    }

    /// One address's burst on the simulated segment: fails on a stale ifindex, or while the
    /// node's VIP announcements fail; otherwise the segment hears the MAC it carries.
    private mutating func announce(_ binding: VirtualAddressBinding, on index: Int) -> EffectError? {
        let address = binding.address.address
        guard binding.device.index == nodes[index].host.index else {
            nodes[index].lastAnnouncementFailed.insert(address)
            return EffectError(code: 19, message: "simulated: no device with ifindex \(binding.device.index)")
        }
        if binding.device.hardwareAddress != nodes[index].host.hardwareAddress {
            violation("n\(index) announces \(binding.address) with MAC \(binding.device.hardwareAddress), but eth0 has \(nodes[index].host.hardwareAddress) now")
        }
        let isVirtual = (0..<2).contains { ClusterScenario.virtualAddress($0) == address }
        guard !(nodes[index].announcementsFailing && isVirtual), nodes[index].linkUp else {
            nodes[index].lastAnnouncementFailed.insert(address)
            return EffectError(code: 105, message: "simulated: no buffer space for the frames of \(address)")
        }
        nodes[index].lastAnnouncementFailed.remove(address)
        nodes[index].announced[address] = binding.device.hardwareAddress
        nodes[index].announcedInStep.insert(address)
        return nil
    }

    private mutating func broadcast(_ packet: [UInt8], from sender: Int) {
        for receiver in nodes.indices where receiver != sender && connected(sender, receiver) {
            guard !rng.chance(loss) else { continue }
            let copies = rng.chance(duplication) ? 2 : 1
            for _ in 0..<copies {
                var bytes = packet
                if rng.chance(corruption) {
                    bytes[Int.random(in: 0..<bytes.count, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng)
                }
                let delay = Duration.nanoseconds(Int64.random(in: 0...scenario.maxDelay.wholeNanoseconds, using: &rng))
                queue.push(.deliver(packet: bytes, to: receiver, generation: generations[receiver]), at: now + delay)
            }
        }
    }

    /// A stranger on the segment: foreign VRID, wrong auth (v2) or version (v3: a v2 advert),
    /// wrong TTL, wrong interval (v2), zero interval (v3), garbage. VRRPv3 has no
    /// authentication, so a well-formed v3 advert from a stranger would be a peer.
    private mutating func injectJunk() {
        let stranger = IPv4Address(10, 250, 0, 250)
        var advert = Advertisement(version: .v2, virtualRouterID: 51, priority: 254,
                                   interval: scenario.advertisementInterval.wholeSeconds.map(AdvertisementInterval.init(seconds:)) ?? .oneSecond,
                                   authentication: .password("intruder"), addresses: [ClusterScenario.virtualAddress()])
        var ttl: UInt8 = 255
        switch Int.random(in: 0..<4, using: &rng) {
        case 0:
            advert.virtualRouterID &+= 10
            advert.version = scenario.version
        case 1:
            ttl = 64
            advert.version = scenario.version
        case 2:
            if scenario.version == .v2 {
                advert.interval.centiseconds += 100
            } else {
                advert = Advertisement(version: .v3, virtualRouterID: 51, priority: 254, interval: AdvertisementInterval(centiseconds: 0),
                                       addresses: [ClusterScenario.virtualAddress()])
            }
        default: break
        }
        let payload = Int.random(in: 0..<5, using: &rng) == 0
            ? (0..<Int.random(in: 0..<40, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            : advert.encoded(from: .v4(stranger), to: .v4(.vrrpMulticastGroup))
        let packet = IPv4Packet(source: stranger, destination: .vrrpMulticastGroup, ttl: ttl, payload: payload).encoded()
        for receiver in nodes.indices {
            queue.push(.deliver(packet: packet, to: receiver, generation: generations[receiver]), at: now)
        }
    }

    private func connected(_ a: Int, _ b: Int) -> Bool {
        guard nodes[a].linkUp && nodes[b].linkUp else { return false }
        guard let partition else { return true }
        return partition.contains { $0.contains(a) && $0.contains(b) }
    }

    private mutating func collectDrops(_ index: Int) {
        guard let node = nodes[index].node else { return }
        for view in node.instanceViews {
            for (name, count) in view.drops { report.drops[name, default: 0] += count }
        }
        for (_, counts) in node.interfaceDropCounts {
            for (name, count) in counts { report.drops[name, default: 0] += count }
        }
    }

    // MARK: - Invariants

    private mutating func checkStep(_ index: Int) {
        let announced = nodes[index].announcedInStep
        nodes[index].announcedInStep = []
        guard nodes[index].node?.isRunning == true else { return }
        for address in announced where !nodes[index].views.contains(where: { $0.state == .master && $0.heldAddresses.contains(address) }) {
            violation("n\(index) announced \(address) although no MASTER instance of it holds it (a paced burst outlived the release)")
        }
        let kernel = nodes[index].kernel
        for (offset, view) in nodes[index].views.enumerated() {
            let address = ClusterScenario.virtualAddress(offset)
            for held in view.heldAddresses where !kernel.contains(where: { $0.address == held }) {
                violation("n\(index) \(view.name) reports holding \(held), but the kernel has not got it")
            }
            if view.state == .master && !nodes[index].kernelHas(address) && view.failingAddresses == 0 {
                violation("n\(index) \(view.name) is MASTER but the kernel has not got \(address), and no retry is pending")
            }
            if view.state != .master && view.pendingRelease == nil && nodes[index].kernelHas(address) && view.failingAddresses == 0 {
                violation("n\(index) \(view.name) is \(view.state) but the kernel has \(address), and no removal is pending")
            }
            if settled, let states = lastSettledStates[index], states.indices.contains(offset), states[offset] != view.state {
                let previous = states[offset]
                violation("n\(index) \(view.name) changed state \(previous) -> \(view.state) after the cluster had settled")
            }
        }
        if settled { lastSettledStates[index] = nodes[index].views.map(\.state) }
    }

    private var lastSettledStates: [Int: [RouterState]] = [:]

    private mutating func checkConverged(label: String) {
        let names = scenario.nodes[0].instanceNames
        for (offset, name) in names.enumerated() {
            let address = ClusterScenario.virtualAddress(offset)
            let views = nodes.map { $0.views.count > offset ? $0.views[offset] : nil }
            let eligible = nodes.indices.filter { views[$0] != nil && views[$0]?.fault == nil && nodes[$0].linkUp }
            let masters = nodes.indices.filter { views[$0]?.state == .master }
            let summary = nodes.indices.map { "n\($0)=\(views[$0].map { "\($0.state)/\($0.priority)" } ?? "down")" }.joined(separator: " ")
            trace("check (\(label)) \(name): \(summary)")
            let holders = nodes.indices.filter { nodes[$0].kernelHas(address) }
            if eligible.isEmpty {
                if !masters.isEmpty { violation("\(label) \(name): no eligible node, yet masters \(masters)") }
                if !holders.isEmpty { violation("\(label) \(name): no eligible node, yet the kernels of \(holders) hold \(address)") }
                continue
            }
            report.oneMasterChecks += 1
            guard masters.count == 1, let master = masters.first, let masterView = views[master] else {
                violation("\(label) \(name): expected exactly one Master among \(eligible), found \(masters) (\(summary))")
                continue
            }
            if holders != [master] {
                violation("\(label) \(name): n\(master) is Master but the kernels holding \(address) are \(holders)")
            }
            // Every address the Master holds was last heard with eth0's MAC, unless its last
            // announcement failed (counted by the node; a VIP whose frames fail).
            for held in [address, ClusterScenario.excludedAddress(offset)]
            where nodes[master].announced[held] != nodes[master].host.hardwareAddress && !nodes[master].lastAnnouncementFailed.contains(held) {
                violation("\(label) \(name): n\(master) is Master, but the segment last heard \(held) announced with \(nodes[master].announced[held].map { "\($0)" } ?? "no MAC"), not eth0's \(nodes[master].host.hardwareAddress)")
            }
            for index in eligible where index != master {
                guard let view = views[index] else { continue }
                if nodes[index].setup.preempt && view.priority > masterView.priority {
                    violation("\(label) \(name): n\(master) is Master with priority \(masterView.priority) but preempting n\(index) has \(view.priority)")
                }
            }
        }
        if names.count > 1 {
            for index in nodes.indices {
                let states = Set(nodes[index].views.map(\.state))
                if states.count > 1 { violation("\(label): the sync group members of n\(index) are in different states \(states)") }
            }
        }
    }

    private mutating func violation(_ message: String) {
        report.violations.append("[\(now)] \(message)")
    }

    private mutating func trace(_ line: String) {
        report.trace.append("[\(now)] \(line)")
    }
}
