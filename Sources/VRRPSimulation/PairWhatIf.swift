import ControlProtocol
import Config
import Node
import VRRP

/// `vipkeeper check --pair`: binds two or three configuration files as one cluster of real
/// `Node`s (`PairSimulation`, virtual time, no interfaces of this machine) and puts it through
/// every single failure and its recovery: each tracked check failing, each tracked process
/// gone, each tracked interface down, each node stopped, each node in maintenance. For each it
/// reports who holds every instance's addresses once the cluster settled and how long the move
/// took, and flags what never fails over, flaps, ends with no or two Masters, or where the
/// files disagree (VRID, version, authentication, advert interval, addresses).
public struct PairWhatIf {
    public let members: [PairMember]
    let topology: PairTopology
    /// A phase is settled once no Master changed for this long: the slowest detection the
    /// files configure (a check's interval × (rise or fall + 1) plus its timeout, a process
    /// delay), plus the longest Master_Down_Interval (RFC 5798 §6.1), preempt_delay and advert
    /// interval, the startup delay, and a second.
    public let window: Duration
    /// The longest advert interval of the files, and a second: an advert is heard within it.
    let advertisementLimit: Duration
    /// A phase that is still changing after this long flaps.
    public var limit: Duration { window * 6 }

    public init(members: [PairMember]) {
        self.members = members
        topology = PairTopology(members: members)
        var router = Duration.zero, checks = Duration.zero, processes = Duration.zero, startup = Duration.zero
        for member in members {
            let configuration = member.configuration
            for instance in configuration.instances {
                let down = Timing.masterDownInterval(priority: 1, version: instance.resolvedVersion,
                                                     masterAdvertisementInterval: instance.advertisementInterval,
                                                     missedAdverts: instance.downTimerAdverts ?? 3)
                router = max(router, down + instance.preemptDelay + instance.advertisementInterval.duration)
            }
            for schedule in configuration.scripts.map(\.schedule) + configuration.httpChecks.map(\.schedule) {
                checks = max(checks, schedule.interval * (max(schedule.rise, schedule.fall) + 1) + schedule.effectiveTimeout)
            }
            for process in configuration.trackProcesses {
                processes = max(processes, max(process.forkDelay, process.terminateDelay))
            }
            startup = max(startup, configuration.globals.startupDelay)
        }
        window = router + checks + processes + startup + .seconds(1)
        advertisementLimit = (members.flatMap { $0.configuration.instances.map(\.advertisementInterval.duration) }.max() ?? .zero) + .seconds(1)
    }

    /// Every single failure of the files, node by node.
    public var failures: [PairFailure] {
        var failures: [PairFailure] = []
        for (node, member) in members.enumerated() {
            let configuration = member.configuration
            let defined = Set(configuration.checkNames)
            for name in unique(configuration.allTrackedChecks.map(\.name)) where defined.contains(name) {
                failures.append(.checkFailing(node: node, check: name))
            }
            for name in unique(configuration.allTrackedProcesses.map(\.name)) where configuration.trackProcess(named: name) != nil {
                failures.append(.processMissing(node: node, process: name))
            }
            let tracked = configuration.instances.flatMap { instance in
                configuration.trackerSet(for: instance).objects.compactMap(\.interfaceName)
            }
            for name in unique(tracked) {
                failures.append(.interfaceDown(node: node, interface: name))
            }
            failures.append(.stopped(node: node))
            failures.append(.maintenance(node: node))
        }
        return failures
    }

    private var names: [String] { members.map(\.name) }
    private var groups: [PairInstanceGroup] { topology.groups }

    // MARK: - Running

    /// The cluster once settled (`all up, healthy`), then each failure and its recovery, each
    /// in a fresh cluster.
    public func run() -> PairReport {
        var report = PairReport(members: members.map { .init(name: $0.name, path: $0.path) }, instances: instanceSummaries(),
                                rows: [], flags: mismatches(), assumptions: assumptions())
        var probe = PairSimulation(members: members, topology: topology)
        for node in members.indices { probe.start(node) }
        let refused = members.indices.compactMap { node in probe.machines[node].bindError.map { (node, $0) } }
        guard refused.isEmpty else {
            report.flags += refused.map { node, reason in
                PairFlag(.error, at: members[node].path, "\(names[node]) cannot start on a machine with the interfaces its file names: \(reason)")
            }
            return report
        }
        let baseline = simulate(nil)[0]
        report.rows += rows(for: baseline, event: "all up, healthy")
        report.flags += baselineFlags(baseline)
        for failure in failures {
            let phases = simulate(failure)
            let (flags, stuck) = failureFlags(failure, failed: phases[1], recovered: phases[2])
            var failed = rows(for: phases[1], event: failure.description(names: names))
            for group in stuck where failed[group].note.isEmpty { failed[group].note = "never fails over, see below" }
            report.rows += failed
            report.rows += rows(for: phases[2], event: failure.recovery(names: names))
            report.flags += flags
        }
        return report
    }

    /// One phase's outcome, per instance group: the Masters before and after, when the
    /// Master last changed, how often it changed, each node's view afterwards.
    struct Phase {
        var started: Instant
        var before: [[Int]]
        var after: [[Int]]
        var lastChange: [Instant?]
        var changes: [Int]
        var settled: Bool
        var views: [[InstanceView?]]
        var running: [Bool]
        /// Each node's last answer to a control request.
        var replies: [String?]
        /// Why the new holder took the instance over, from its node model's history.
        var why: [String?] = []

        func moveTime(_ group: Int) -> Duration? {
            guard before[group] != after[group], let at = lastChange[group] else { return nil }
            return at - started
        }
    }

    /// A fresh cluster started together and settled; then, with a failure, failed and settled,
    /// and recovered and settled.
    func simulate(_ failure: PairFailure?) -> [Phase] {
        var simulation = PairSimulation(members: members, topology: topology)
        for node in members.indices { simulation.start(node) }
        var phases = [settle(&simulation)]
        guard let failure else { return phases }
        simulation.runPastNextAdvert(limit: simulation.now + advertisementLimit)
        apply(failure, failing: true, to: &simulation)
        phases.append(settle(&simulation))
        simulation.runPastNextAdvert(limit: simulation.now + advertisementLimit)
        apply(failure, failing: false, to: &simulation)
        phases.append(settle(&simulation))
        return phases
    }

    private func apply(_ failure: PairFailure, failing: Bool, to simulation: inout PairSimulation) {
        switch failure {
        case .checkFailing(let node, let check):
            simulation.setCheck(check, failing: failing, on: node)
        case .processMissing(let node, let process):
            simulation.setProcess(process, missing: failing, on: node)
        case .interfaceDown(let node, let interface):
            simulation.setLink(interface, up: !failing, on: node)
        case .stopped(let node):
            if failing { simulation.stop(node) } else { simulation.start(node) }
        case .maintenance(let node):
            simulation.command(failing ? .maintenanceOn(target: nil, reason: "what-if", strict: false, requestedAt: 0) : .maintenanceOff(target: nil),
                               on: node)
        }
    }

    /// Runs until no Master changed for `window`, or `limit` passed (the phase flaps).
    private func settle(_ simulation: inout PairSimulation) -> Phase {
        let start = simulation.now
        let before = groups.indices.map { simulation.masters(of: $0) }
        let counts = simulation.history.map(\.count)
        var end = start + window
        var settled = true
        for _ in 0..<1_000 {
            guard simulation.run(until: end) else { settled = false; break }
            if simulation.lastChange + window <= end { break }
            guard end - start < limit else { settled = false; break }
            end = simulation.lastChange + window
        }
        let changes = groups.indices.map { simulation.history[$0].count - counts[$0] }
        let after = groups.indices.map { simulation.masters(of: $0) }
        let why = groups.indices.map { group -> String? in
            guard after[group] != before[group], let holder = after[group].first, let name = groups[group].instances[holder],
                  let entry = simulation.lastTransitions[holder]?[name], entry.monotonic >= start.sinceOrigin.secondsValue else { return nil }
            let origin = start.sinceOrigin.secondsValue
            return "\(names[holder]) " + naming(entry).sentence { "t+" + PairReport.seconds($0 - origin) }
        }
        return Phase(started: start, before: before, after: after,
                     lastChange: groups.indices.map { changes[$0] > 0 ? simulation.history[$0].last?.at : nil },
                     changes: changes, settled: settled,
                     views: groups.indices.map { group in members.indices.map { simulation.view(of: group, on: $0) } },
                     running: simulation.machines.map { $0.node != nil }, replies: simulation.machines.map(\.lastReply), why: why)
    }

    /// The entry with each advert's source named by its node (`node-a (192.0.2.10)`).
    private func naming(_ entry: HistoryEntry) -> HistoryEntry {
        func name(_ source: String) -> String {
            guard let address = IPAddress(source), let owner = topology.owner(of: address) else { return source }
            return "\(names[owner.node]) (\(source))"
        }
        var entry = entry
        entry.causes = entry.causes.map { cause in
            switch cause {
            case .higherPriorityAdvert(let source, let theirs, let ours): return .higherPriorityAdvert(source: name(source), theirs: theirs, ours: ours)
            case .lowerPriorityMaster(let source, let theirs, let ours): return .lowerPriorityMaster(source: name(source), theirs: theirs, ours: ours)
            case .preempted(let source, let theirs, let ours): return .preempted(source: name(source), theirs: theirs, ours: ours)
            case .masterDown(let master, let silent): return .masterDown(lastMaster: master.map(name), silentSeconds: silent)
            case .masterResigned(let source): return .masterResigned(source: name(source))
            default: return cause
            }
        }
        return entry
    }

    // MARK: - Rows

    private func rows(for phase: Phase, event: String) -> [PairReport.Row] {
        groups.indices.map { group in
            let nodes = groups[group].nodes.map { node -> String in
                guard phase.running[node] else { return "\(names[node]) stopped" }
                guard let view = phase.views[group][node] else { return "\(names[node]) -" }
                return "\(names[node]) \(view.state) \(view.priority)"
            }.joined(separator: ", ")
            var note = ""
            if !phase.settled {
                note = "still changing after \(limit.formattedSeconds) s: flaps"
            } else if phase.before[group] == phase.after[group] && phase.changes[group] > 0 && !phase.before[group].isEmpty {
                note = "the Master changed \(phase.changes[group]) times and came back"
            }
            return PairReport.Row(event: event, instance: groups[group].label, holders: phase.after[group].map { names[$0] },
                                  moveSeconds: phase.moveTime(group)?.secondsValue, nodes: nodes, note: note,
                                  why: phase.why.indices.contains(group) ? phase.why[group] : nil)
        }
    }

    private func instanceSummaries() -> [PairReport.Instance] {
        groups.map { group in
            PairReport.Instance(name: group.label, addresses: group.addresses.map(\.description), configured: group.nodes.compactMap { node in
                guard let instance = definition(group, on: node) else { return nil }
                var words = ["\(names[node]) VRID \(instance.virtualRouterID ?? 0) priority \(instance.priority)"]
                if instance.initialState == .master { words.append("state MASTER") }
                words.append(instance.preempt ? (instance.fastPreempt ? "fast_preempt" : "preempt") : "nopreempt")
                if instance.preemptDelay > .zero { words.append("preempt_delay \(instance.preemptDelay.formattedSeconds)") }
                let tracked = members[node].configuration.trackerSet(for: instance).entries.map { entry in
                    "\(entry.object) \(entry.weight.weight == 0 ? "FAULT" : String(entry.weight.weight))\(entry.weight.reverse ? " reverse" : "")"
                }
                if !tracked.isEmpty { words.append("tracks " + tracked.joined(separator: ", ")) }
                return words.joined(separator: " ")
            })
        }
    }

    private func assumptions() -> [String] {
        var lines = ["the nodes start together with every check passing; checks and HTTP checks are not run, they pass or fail as the scenario says (honouring interval, rise and fall)",
                     "each failure and recovery comes just after an advert was heard (a move that waits for the next advert waits a whole advert_int); the first row's time is the election after start"]
        lines += topology.notes
        for member in members {
            for name in unique(member.configuration.allTrackedFiles.map(\.name)) {
                lines.append("\(member.name): track_file \(name) reads 0 throughout (the file is not modelled as failing)")
            }
        }
        return lines
    }

    // MARK: - Flags

    private func definition(_ group: PairInstanceGroup, on node: Int) -> InstanceDefinition? {
        guard let name = group.instances[node] else { return nil }
        return members[node].configuration.instances.first { $0.name == name }
    }

    private func place(_ group: PairInstanceGroup, on node: Int) -> String {
        definition(group, on: node)?.location.description ?? members[node].path
    }

    /// What the files disagree on, per instance group, against its first member.
    private func mismatches() -> [PairFlag] {
        var flags: [PairFlag] = []
        for group in groups {
            let nodes = group.nodes
            guard let first = nodes.first, let reference = definition(group, on: first) else { continue }
            if nodes.count == 1 {
                flags.append(PairFlag(.warning, at: place(group, on: first),
                                      "\(reference.name) is only in \(names[first])'s file: no other node backs \(group.addresses.map(\.description).joined(separator: ", ")) up"))
            }
            for node in nodes.dropFirst() {
                guard let other = definition(group, on: node) else { continue }
                let here = "\(names[node]) \(other.name)", there = "\(names[first]) \(reference.name)"
                var differences: [String] = []
                if other.virtualRouterID != reference.virtualRouterID {
                    differences.append("virtual_router_id \(other.virtualRouterID ?? 0), \(there) has \(reference.virtualRouterID ?? 0) (each drops the other's adverts)")
                }
                if other.resolvedVersion != reference.resolvedVersion {
                    differences.append("\(other.resolvedVersion), \(there) \(reference.resolvedVersion) (each drops the other's adverts)")
                }
                if other.resolvedVersion == .v2 && reference.resolvedVersion == .v2 && other.authentication != reference.authentication {
                    differences.append("authentication (auth_type/auth_pass) differs from \(there)'s (each drops the other's adverts, RFC 3768 §7.1)")
                }
                if other.advertisementInterval != reference.advertisementInterval {
                    differences.append("advert_int \(other.advertisementInterval), \(there) \(reference.advertisementInterval)"
                        + (reference.resolvedVersion == .v2 ? " (VRRPv2 drops adverts of another interval, RFC 3768 §7.1)" : ""))
                }
                if Set(other.virtualAddresses.map(\.address)) != Set(reference.virtualAddresses.map(\.address)) {
                    differences.append("virtual_ipaddress \(other.virtualAddresses.map(\.description).joined(separator: " ")), \(there) \(reference.virtualAddresses.map(\.description).joined(separator: " "))")
                }
                if other.usesUnicast != reference.usesUnicast {
                    differences.append("\(other.usesUnicast ? "unicast" : "multicast"), \(there) \(reference.usesUnicast ? "unicast" : "multicast") (neither hears the other)")
                }
                for (a, b) in [(node, first), (first, node)] {
                    guard let sender = definition(group, on: a), let receiver = definition(group, on: b), receiver.usesUnicast,
                          let source = sender.unicastSourceAddress, !receiver.unicastPeers.contains(source) else { continue }
                    differences.append("\(names[b])'s unicast_peer does not list \(names[a])'s unicast_src_ip \(source)")
                }
                flags += differences.map { PairFlag(.warning, at: place(group, on: node), "\(here): \($0)") }
            }
        }
        return flags
    }

    private func states(_ phase: Phase, _ group: Int) -> String {
        groups[group].nodes.map { node in
            guard phase.running[node] else { return "\(names[node]) stopped" }
            guard let view = phase.views[group][node] else { return "\(names[node]) -" }
            return "\(names[node]) \(view.state) \(view.priority)" + (view.fault.map { " (\($0))" } ?? "")
        }.joined(separator: ", ")
    }

    private func baselineFlags(_ phase: Phase) -> [PairFlag] {
        var flags: [PairFlag] = []
        for (index, group) in groups.enumerated() where group.nodes.count > 1 {
            let at = place(group, on: group.nodes[0])
            if !phase.settled {
                flags.append(PairFlag(.error, at: at, "\(group.label) flaps with every node up and healthy: the Master changed \(phase.changes[index]) times and was still changing after \(limit.formattedSeconds) s (\(states(phase, index)))"))
            } else if phase.after[index].isEmpty {
                flags.append(PairFlag(.error, at: at, "\(group.label) has no Master with every node up and healthy (\(states(phase, index)))"))
            } else if phase.after[index].count > 1 {
                flags.append(PairFlag(.error, at: at, "\(group.label) has \(phase.after[index].count) Masters with every node up and healthy, \(phase.after[index].map { names[$0] }.joined(separator: " and ")) (split brain: they do not accept each other's adverts; see the warnings above) (\(states(phase, index)))"))
            }
        }
        return flags
    }

    /// The findings of one failure and its recovery, and the instance groups whose failing
    /// Master kept its addresses.
    private func failureFlags(_ failure: PairFailure, failed: Phase, recovered: Phase) -> (flags: [PairFlag], stuck: [Int]) {
        var flags: [PairFlag] = []
        var stuck: [Int] = []
        let failing = failure.node
        let event = failure.description(names: names)
        for (index, group) in groups.enumerated() where group.nodes.count > 1 {
            let at = place(group, on: group.nodes.contains(failing) ? failing : group.nodes[0])
            for (phase, what) in [(failed, event), (recovered, failure.recovery(names: names))] {
                if !phase.settled {
                    flags.append(PairFlag(.error, at: at, "\(group.label) flaps after \(what): the Master changed \(phase.changes[index]) times and was still changing after \(limit.formattedSeconds) s (\(states(phase, index)))"))
                } else if phase.after[index].count > 1 {
                    flags.append(PairFlag(.error, at: at, "\(group.label) has \(phase.after[index].count) Masters after \(what): \(phase.after[index].map { names[$0] }.joined(separator: " and ")) (\(states(phase, index)))"))
                } else if phase.after[index].isEmpty && eligible(phase, index, except: nil).count > 0 {
                    flags.append(PairFlag(.error, at: at, "\(group.label) is left with no Master after \(what) (\(states(phase, index)))"))
                }
            }
            guard group.nodes.contains(failing), failed.settled, failed.after[index].count == 1 else { continue }
            let wasMaster = failed.before[index] == [failing]
            let isMaster = failed.after[index] == [failing]
            let others = eligible(failed, index, except: failing)
            if wasMaster && isMaster && !others.isEmpty && failureMeansStepDown(failure, group: group) {
                flags.append(PairFlag(.error, at: at, neverFailsOver(failure, group: index, failed: failed, others: others)))
                stuck.append(index)
            } else if !wasMaster && isMaster && !failed.before[index].isEmpty && failureMeansStepDown(failure, group: group) {
                flags.append(PairFlag(.error, at: at, "\(event) moves \(group.label) to \(names[failing]), the failing node (\(states(failed, index)))"))
            }
        }
        return (flags, stuck)
    }

    /// The nodes whose instance of `group` runs and is not in FAULT.
    private func eligible(_ phase: Phase, _ group: Int, except node: Int?) -> [Int] {
        groups[group].nodes.filter { $0 != node && phase.running[$0] && phase.views[group][$0].map { $0.fault == nil && $0.state != .initialize } == true }
    }

    /// Whether the failure should take `group` from its node: the group tracks the failed
    /// object there (any weight), or the node stops or goes into maintenance.
    private func failureMeansStepDown(_ failure: PairFailure, group: PairInstanceGroup) -> Bool {
        guard let instance = definition(group, on: failure.node) else { return false }
        let objects = members[failure.node].configuration.trackerSet(for: instance).objects
        switch failure {
        case .checkFailing(_, let check): return objects.contains(.check(check))
        case .processMissing(_, let process): return objects.contains(.process(process))
        case .interfaceDown(_, let interface): return objects.contains(.interface(interface))
        case .stopped, .maintenance: return true
        }
    }

    /// The sentence for a failing Master that keeps its addresses: the numbers that keep it.
    private func neverFailsOver(_ failure: PairFailure, group index: Int, failed: Phase, others: [Int]) -> String {
        let group = groups[index]
        let node = failure.node
        let event = failure.description(names: names)
        let vips = group.addresses.isEmpty ? group.label : group.addresses.map(\.description).joined(separator: ", ")
        guard let instance = definition(group, on: node), let view = failed.views[index][node] else {
            return "\(event): \(names[node]) keeps \(vips) (\(states(failed, index)))"
        }
        let best = others.max { (failed.views[index][$0]?.priority ?? 0) < (failed.views[index][$1]?.priority ?? 0) } ?? others[0]
        let bestPriority = failed.views[index][best]?.priority ?? 0
        let bestPreempts = definition(group, on: best)?.preempt ?? true
        let before = members[node].configuration.trackerSet(for: instance).effectivePriority
        let subject = "\(event) can never fail over: \(names[node]) \(instance.name) keeps \(vips)"
        if case .maintenance = failure {
            let answer = failed.replies[node].map { "`vipkeeper maintenance on` answers: \($0)" } ?? "no peer took over its maintenance hand-over"
            return "\(subject): \(answer) (\(states(failed, index)))"
        }
        if instance.priority == 255 {
            return "\(subject): priority 255 makes it the address owner, which no tracker lowers (RFC 3768 §5.3.4); give it 254 or less, above \(names[best])'s \(bestPriority)"
        }
        let weight = trackerWeight(failure, instance: instance).map { " (weight \($0))" } ?? ""
        if !bestPreempts && bestPriority > view.priority {
            return "\(subject): its priority drops \(before) → \(view.priority)\(weight), below \(names[best])'s \(bestPriority), but \(names[best]) has nopreempt and never takes over from a live Master; give the check weight 0 (FAULT) or drop nopreempt"
        }
        let relation = view.priority == bestPriority ? "ties with" : "stays above"
        let needed = Int(before) - Int(bestPriority) + 1
        return "\(subject): its priority goes \(before) → \(view.priority)\(weight) and \(relation) \(names[best])'s \(bestPriority) (a Backup takes over only from a lower priority); the failure must take at least \(needed) off, e.g. weight -\(needed), or weight 0 for FAULT"
    }

    private func trackerWeight(_ failure: PairFailure, instance: InstanceDefinition) -> Int? {
        let object: TrackedObject
        switch failure {
        case .checkFailing(_, let check): object = .check(check)
        case .processMissing(_, let process): object = .process(process)
        case .interfaceDown(_, let interface): object = .interface(interface)
        case .stopped, .maintenance: return nil
        }
        return members[failure.node].configuration.trackerSet(for: instance).entries.first { $0.object == object }?.weight.weight
    }

    private func unique(_ names: [String]) -> [String] {
        var seen: Set<String> = []
        return names.filter { seen.insert($0).inserted }
    }
}
