import ControlProtocol
import Config
import Node
import VRRP

/// The machines of a what-if cluster in virtual time: each runs the real `Node`, bound by the
/// real `Binder` to its simulated interfaces (`PairTopology`) and driven through `drive`, as
/// the daemon drives it. The simulation carries out the effects: adverts go through the codec
/// as IPv4 packets (IPv6: datagrams) to every node on the segment (multicast) or to the node
/// that has the destination (unicast), 1 ms later; timers fire; check runs answer 10 ms later,
/// failing while a scenario fails that check; addresses land in a simulated kernel and are
/// read back. Deterministic: no randomness, no clock.
struct PairSimulation {
    enum Item {
        case deliver(NodeEvent, to: Int, generation: Int)
        case timer(node: Int, timer: NodeTimer, sequence: UInt64, generation: Int)
        case checkResult(node: Int, run: CheckRunID, outcome: CheckOutcome, generation: Int)
    }

    /// One simulated machine: the process (while it runs) and what the machine keeps.
    struct Machine {
        var member: PairMember
        var node: Node?
        var interfaces: [HostInterface]
        /// The virtual addresses by ifindex, as the simulated kernel has them.
        var kernel: [Int32: [HostAddress]] = [:]
        var timers: [NodeTimer.Slot: UInt64] = [:]
        var failingChecks: Set<String> = []
        var missingProcesses: Set<String> = []
        /// Bumped when the process ends, so what was meant for it is dropped.
        var generation = 0
        /// Why the last start failed (the binder refused), if it did.
        var bindError: String?
        /// The node's last answer to a control request (`vipkeeper maintenance on`).
        var lastReply: String?
    }

    /// A change of an instance group's Masters: when, and who.
    struct MasterChange {
        var at: Instant
        var masters: [Int]
    }

    /// More steps than any what-if needs (a few thousand adverts per phase): a bound, so a bug
    /// cannot run forever.
    static let stepLimit = 2_000_000
    static let linkDelay = Duration.milliseconds(1)
    static let checkDuration = Duration.milliseconds(10)

    let topology: PairTopology
    private(set) var machines: [Machine]
    private var queue = EventQueue<Item>()
    private(set) var now = Instant.origin
    private var nextSequence: UInt64 = 0
    private var nextReply: UInt64 = 0
    private(set) var steps = 0
    /// By instance group: every change of its Masters.
    private(set) var history: [[MasterChange]]
    private(set) var lastChange = Instant.origin
    /// Each node's last change of state of each instance, as its node model recorded it with
    /// its causes (`HistoryEntry`), by node then instance name.
    private(set) var lastTransitions: [Int: [String: HistoryEntry]] = [:]
    /// Adverts sent since `runPastNextAdvert` began.
    private var advertsSent = 0

    init(members: [PairMember], topology: PairTopology) {
        self.topology = topology
        machines = members.indices.map { Machine(member: members[$0], interfaces: topology.interfaces[$0]) }
        history = topology.groups.map { _ in [MasterChange(at: .origin, masters: [])] }
    }

    // MARK: - What a scenario does to a machine

    /// Starts the process as the daemon does: bind, report the interfaces, the tracked
    /// processes' counts, start, read the addresses.
    mutating func start(_ index: Int) {
        machines[index].generation += 1
        machines[index].timers = [:]
        let host = SimulatedHost(interfaces: machines[index].interfaces, knowsEveryUser: true)
        let bound: BoundConfiguration
        do {
            bound = try Binder.bind(machines[index].member.configuration, on: host)
        } catch {
            machines[index].bindError = error.description
            return
        }
        machines[index].bindError = nil
        machines[index].node = Node(configuration: bound)
        for name in Binder.interfaceNames(of: bound) {
            feed(index, .interface(name, host.interface(named: name)))
        }
        for process in bound.trackProcesses {
            feed(index, .trackedProcess(process.name, count: processCount(process, on: index), cause: .scan))
        }
        feed(index, .start)
        if let node = machines[index].node {
            for device in node.addressDevices {
                feed(index, .addresses(interfaceIndex: device, present: machines[index].kernel[device] ?? []))
            }
        }
    }

    /// SIGTERM: the node resigns and releases; it is retired once it has stopped.
    mutating func stop(_ index: Int) {
        feed(index, .stop)
    }

    mutating func setCheck(_ name: String, failing: Bool, on index: Int) {
        if failing { machines[index].failingChecks.insert(name) } else { machines[index].failingChecks.remove(name) }
    }

    /// Every matching process exits (or is back, meeting its quorum).
    mutating func setProcess(_ name: String, missing: Bool, on index: Int) {
        if missing { machines[index].missingProcesses.insert(name) } else { machines[index].missingProcesses.remove(name) }
        guard let process = machines[index].member.configuration.trackProcess(named: name) else { return }
        feed(index, .trackedProcess(name, count: processCount(process, on: index), cause: missing ? .exit : .exec))
    }

    mutating func setLink(_ name: String, up: Bool, on index: Int) {
        guard let position = machines[index].interfaces.firstIndex(where: { $0.name == name }) else { return }
        machines[index].interfaces[position].isUp = up
        feed(index, .interface(name, machines[index].interfaces[position]))
    }

    /// A control request from root (`vipkeeper maintenance on|off`).
    mutating func command(_ command: NodeCommand, on index: Int) {
        nextReply += 1
        feed(index, .command(command, from: .root, reply: ReplyID(nextReply)))
    }

    private func processCount(_ process: TrackProcessDefinition, on index: Int) -> Int {
        machines[index].missingProcesses.contains(process.name) ? 0 : max(process.quorum, 1)
    }

    // MARK: - Time

    /// Runs every event due up to `end`, then stands at `end`. False when the step bound was hit.
    @discardableResult
    mutating func run(until end: Instant) -> Bool {
        while let next = queue.nextTime, next <= end {
            guard steps < Self.stepLimit, let (at, item) = queue.pop() else { return false }
            steps += 1
            now = at
            process(item)
        }
        now = max(now, end)
        return true
    }

    /// Runs until just after the next advert was sent and heard (and everything due then), or
    /// to `limit`: a failure then waits as long as it can for the next advert, so the move
    /// times the report gives are not a lucky phase of the advert timer.
    mutating func runPastNextAdvert(limit: Instant) {
        advertsSent = 0
        while let next = queue.nextTime, next <= limit, steps < Self.stepLimit, let (at, item) = queue.pop() {
            steps += 1
            now = at
            process(item)
            if advertsSent > 0 {
                run(until: now + Self.linkDelay)
                return
            }
        }
        now = max(now, limit)
    }

    private mutating func process(_ item: Item) {
        switch item {
        case .deliver(let event, let to, let generation):
            guard machines[to].generation == generation else { return }
            feed(to, event)
        case .timer(let node, let timer, let sequence, let generation):
            guard machines[node].generation == generation, machines[node].timers[timer.slot] == sequence else { return }
            machines[node].timers[timer.slot] = nil
            feed(node, .timerFired(timer))
        case .checkResult(let node, let run, let outcome, let generation):
            guard machines[node].generation == generation else { return }
            feed(node, .checkCompleted(run, outcome, duration: Self.checkDuration))
        }
    }

    // MARK: - Observing

    /// The instance of `group` on `node` as the node reports it; nil when the node is not
    /// running or its file has no instance in the group.
    func view(of group: Int, on node: Int) -> InstanceView? {
        guard let name = topology.groups[group].instances[node] else { return nil }
        return machines[node].node?.instanceViews.first { $0.name == name }
    }

    /// The nodes whose instance of `group` is MASTER now.
    func masters(of group: Int) -> [Int] {
        machines.indices.filter { view(of: group, on: $0)?.state == .master }
    }

    private mutating func record() {
        for group in topology.groups.indices {
            let masters = masters(of: group)
            if history[group].last?.masters != masters {
                history[group].append(MasterChange(at: now, masters: masters))
                lastChange = now
            }
        }
    }

    // MARK: - Executing

    /// Hands one event to a node through `Node.drive`, carrying out its effects here.
    private mutating func feed(_ index: Int, _ event: NodeEvent) {
        guard var node = machines[index].node else { return }
        var stopping = node.isStopping
        if case .stop = event { stopping = true }
        machines[index].node = nil  // keep the model uniquely referenced while it changes
        var kernel = machines[index].kernel
        node.drive(event, now: now, execute: { effects in
            let events = self.execute(effects, on: index)
            kernel = self.machines[index].kernel
            return events
        }, readAddresses: { kernel })
        machines[index].node = node
        if stopping && !node.isRunning {
            machines[index].node = nil
            machines[index].timers = [:]
            machines[index].generation += 1
        }
        record()
    }

    private mutating func execute(_ effects: [NodeEffect], on index: Int) -> [NodeEvent] {
        var events: [NodeEvent] = []
        for effect in effects {
            switch effect {
            case .send(let outbound):
                advertsSent += 1
                if let error = send(outbound, from: index) { events.append(.effectFailed(effect, error)) }
            case .addAddress(let change), .renewAddress(let change):
                guard machines[index].interfaces.contains(where: { $0.index == change.binding.device.index }) else {
                    events.append(.effectFailed(effect, EffectError(code: 19, message: "what-if: no device with ifindex \(change.binding.device.index)")))
                    continue
                }
                machines[index].kernel[change.binding.device.index, default: []].add(change.binding.address)
            case .removeAddress(let change), .removeLeftoverAddress(let change):
                machines[index].kernel[change.binding.device.index]?.remove(change.binding.address)
            case .ensureVirtualMAC(let request):
                // The macvlan exists on the simulated machine (`PairTopology`): report it.
                if let macvlan = machines[index].interfaces.first(where: { $0.name == request.name }) {
                    events.append(.interface(request.name, macvlan))
                }
            case .armTimer(let timer, let deadline):
                nextSequence += 1
                machines[index].timers[timer.slot] = nextSequence
                queue.push(.timer(node: index, timer: timer, sequence: nextSequence, generation: machines[index].generation), at: deadline)
            case .cancelTimer(let slot):
                machines[index].timers[slot] = nil
            case .runCheck(let run):
                let outcome: CheckOutcome = machines[index].failingChecks.contains(run.name) ? .failure("what-if: \(run.name) failing") : .success
                queue.push(.checkResult(node: index, run: run.id, outcome: outcome, generation: machines[index].generation),
                           at: now + min(Self.checkDuration, run.timeout))
            case .reply(_, let reply):
                machines[index].lastReply = reply.message
            case .gratuitousARP, .removeVirtualMAC, .runNotify, .statusChanged, .persistMaintenance, .watchAnnouncements, .dropTraffic,
                 .followNotifyFIFOs, .writeNotifyFIFO, .addRouting, .removeRouting, .sendMail, .bindTransports, .log, .persistTakeovers,
                 .drainAddress, .endDrain:
                break
            case .record(let entry):
                // The virtual clock stands in for the wall clock (`HistoryEntry.time`).
                var entry = entry
                entry.time = entry.monotonic
                if case .state = entry.change, let instance = entry.instance { lastTransitions[index, default: [:]][instance] = entry }
            }
        }
        return events
    }

    /// One advert onto the simulated wire: to every running node on the segment (multicast)
    /// or to the node that has the destination (unicast), each on its receiving interface.
    private mutating func send(_ outbound: Outbound, from index: Int) -> EffectError? {
        guard let interface = machines[index].interfaces.first(where: { $0.index == outbound.interface.index }) else {
            return EffectError(code: 19, message: "what-if: no device with ifindex \(outbound.interface.index)")
        }
        guard interface.addresses.contains(outbound.source) else {
            return EffectError(code: 99, message: "what-if: \(outbound.source) is not on \(interface.name)")
        }
        guard interface.isUp else { return EffectError(code: 100, message: "what-if: \(interface.name) is down") }
        let segment = topology.segments[index][interface.name]
        for destination in outbound.destinations {
            var receivers: [(node: Int, interface: HostInterface)] = []
            if destination.isMulticast {
                for node in machines.indices where node != index {
                    receivers += machines[node].interfaces.filter { topology.segments[node][$0.name] == segment }.map { (node, $0) }
                }
            } else if let owner = topology.owner(of: destination), owner.node != index,
                      let receiving = machines[owner.node].interfaces.first(where: { $0.name == owner.interface.name }) {
                receivers.append((owner.node, receiving))
            }
            for receiver in receivers where receiver.interface.isUp && machines[receiver.node].node != nil {
                let event: NodeEvent
                if let source = outbound.source.ipv4, let target = destination.ipv4 {
                    event = .packet(IPv4Packet(source: source, destination: target, ttl: outbound.ttl ?? 255, payload: outbound.payload).encoded(),
                                    interfaceIndex: receiver.interface.index)
                } else {
                    event = .datagram(VRRPDatagram(source: outbound.source, destination: destination, hopLimit: outbound.ttl ?? 255,
                                                   payload: outbound.payload), interfaceIndex: receiver.interface.index)
                }
                queue.push(.deliver(event, to: receiver.node, generation: machines[receiver.node].generation), at: now + Self.linkDelay)
            }
        }
        return nil
    }
}
