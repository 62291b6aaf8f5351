import ControlProtocol
import VRRP

/// What the daemon around the node adds to its status report.
public struct DaemonInfo: Hashable, Sendable {
    public var version: String
    public var pid: Int
    public var startedAt: Instant
    public var configurationFile: String?
    public var stuckChildren: Int
    /// How the runtime follows the `vrrp_track_process`es (nil when none is tracked).
    public var processMonitor: String?
    /// How the kernel schedules the daemon (the daemon reads it; the node only reports it).
    public var scheduling: StatusReport.Scheduling?
    /// The transition history's journal.
    public var history: StatusReport.History?

    public init(version: String, pid: Int, startedAt: Instant, configurationFile: String?, stuckChildren: Int = 0,
                processMonitor: String? = nil, scheduling: StatusReport.Scheduling? = nil, history: StatusReport.History? = nil) {
        self.history = history
        self.processMonitor = processMonitor
        self.scheduling = scheduling
        self.version = version
        self.pid = pid
        self.startedAt = startedAt
        self.configurationFile = configurationFile
        self.stuckChildren = stuckChildren
    }
}

/// A read-only view of one instance, for the simulator and tests.
public struct InstanceView: Hashable, Sendable {
    public var id: InstanceID
    public var name: String
    public var state: RouterState
    public var priority: UInt8
    public var fault: FaultCause?
    /// Resigned for a planned move, holding the addresses until the new Master announces
    /// itself (make-before-break).
    public var pendingRelease: PendingRelease?
    /// Every virtual address is on its device, as far as the node knows.
    public var holdsEveryAddress: Bool
    public var holdsAnyAddress: Bool
    public var armedTimers: [TimerKind: TimerToken]
    /// The addresses the node says are on their devices.
    public var heldAddresses: [IPAddress]
    /// Addresses whose last netlink change failed (a retry is pending).
    public var failingAddresses: Int
    public var addressesRestored: Int
    public var advertisementsSent: Int
    /// §7.1 drops counted against this instance, by keepalived counter.
    public var drops: [DropCounter: Int]
}

extension Node {
    public var instanceViews: [InstanceView] {
        instances.map {
            InstanceView(id: $0.id, name: $0.name, state: $0.router.state, priority: $0.router.priority, fault: $0.router.fault,
                         pendingRelease: $0.router.pendingRelease, holdsEveryAddress: $0.holdsEveryAddress, holdsAnyAddress: $0.holdsAnyAddress,
                         armedTimers: $0.router.armedTimers, heldAddresses: $0.addresses.filter(\.isHeld).map(\.binding.address.address),
                         failingAddresses: $0.addresses.filter { $0.refusals != nil }.count, addressesRestored: $0.counters.addressesRestored,
                         advertisementsSent: $0.counters.advertisementsSent, drops: $0.counters.drops)
        }
    }

    /// Drops that belong to no instance, per interface, by keepalived counter name.
    public var interfaceDropCounts: [String: [DropCounter: Int]] { interfaceDrops }

    /// The `vipkeeper status` report at `now`.
    public func status(now: Instant, daemon: DaemonInfo) -> StatusReport {
        StatusReport(
            version: daemon.version,
            pid: daemon.pid,
            routerID: configuration.routerID,
            uptimeSeconds: (now - daemon.startedAt).secondsValue,
            configurationFile: daemon.configurationFile,
            lastReload: lastReload.map { outcome in
                switch outcome {
                case .applied(let summary, let at):
                    return .init(secondsAgo: (now - at).secondsValue, applied: true, result: summary)
                case .refused(let reason, let at):
                    return .init(secondsAgo: (now - at).secondsValue, applied: false, result: "refused: \(reason)")
                }
            },
            instances: instances.map { report(of: $0, now: now) },
            checks: checks.checks.map { check in
                StatusReport.Check(name: check.name, kind: check.bound.kind.label, up: check.isUp, running: check.running != nil,
                                   runs: check.runs, failures: check.failures, lastResult: check.lastOutcome?.description,
                                   lastDurationSeconds: check.lastDuration?.secondsValue)
            },
            interfaceDrops: interfaceDrops.mapValues(\.byName),
            stuckChildren: daemon.stuckChildren,
            lastDrill: lastDrill?.drillReport(now: now),
            socketError: socketError,
            pendingRemovals: orphanedAddresses.map { orphan in
                StatusReport.PendingRemoval(address: orphan.binding.address.description, device: orphan.binding.device.name,
                                            instance: orphan.change.instanceName, failures: orphan.failures,
                                            lastError: orphan.lastError, secondsAgo: (now - orphan.since).secondsValue)
            },
            dropRules: dropsTraffic || dropRules.failures > 0
                ? StatusReport.DropRules(addresses: (dropRules.requested ?? []).map(\.description), failures: dropRules.failures,
                                         error: dropRules.error)
                : nil,
            notifyFIFOs: notifyFIFOReports,
            processMonitor: daemon.processMonitor,
            scheduling: daemon.scheduling,
            routing: routingReports,
            mail: mailReport).with(history: daemon.history)
    }

    /// Every instance's routes and rules, then the static ones; nil when there are none.
    private var routingReports: [StatusReport.Routing]? {
        let owned = instances.flatMap { instance in instance.routing.map { (instance.name, $0) } } + staticRouting.map { ("static", $0) }
        guard !owned.isEmpty else { return nil }
        return owned.map { owner, state in
            // A refused removal is still in the kernel; a refused add is not.
            StatusReport.Routing(owner: owner, entry: state.entry.description,
                                 installed: state.phase == .installed || state.phase == .removeRefused,
                                 failures: state.refusals?.count ?? 0, lastError: state.refusals?.lastError)
        }
    }

    /// What the metrics exporter reads at `now`.
    public func metricsSnapshot(now: Instant) -> NodeMetrics {
        NodeMetrics(instances: instances.map { instanceMetrics(of: $0, now: now) },
                    checks: checks.checks.map { CheckMetrics(name: $0.name, isUp: $0.isUp, isRunning: $0.running != nil, durations: $0.durations) },
                    lastDrill: drillMetrics(now: now), mail: mailReport)
    }

    /// One instance's typed values; its status report takes the values the two share from here.
    private func instanceMetrics(of instance: InstanceState, now: Instant) -> InstanceMetrics {
        // The bound addresses are `virtual_ipaddress`, then `virtual_ipaddress_excluded`.
        let bindings = instance.addresses.map(\.binding)
        let advertised = min(instance.bound.definition.virtualAddresses.count, bindings.count)
        var metrics = InstanceMetrics(
            name: instance.name,
            interface: instance.bound.interface,
            virtualRouterID: instance.virtualRouterID,
            state: instance.router.state,
            priority: instance.router.priority,
            basePriority: instance.bound.router.basePriority,
            virtualAddresses: Array(bindings[..<advertised]),
            excludedAddresses: Array(bindings[advertised...]),
            gratuitousARPDelay: instance.bound.router.gratuitousARP.delay,
            holdsEveryAddress: instance.holdsEveryAddress,
            inMaintenance: maintenance[instance.name] != nil,
            lastTransition: instance.lastTransition.map { .init(from: $0.from, to: $0.to, reason: $0.reason, ago: now - $0.at) },
            counters: instance.counters)
        switch instance.lastHandover?.end {
        case .tookOver(_, let after)?, .timedOut(let after)?, .abandoned(let after)?: metrics.lastHandoverWait = after
        case nil: break
        }
        return metrics
    }

    /// Make-before-break: a release under way, and how the last one ended.
    private func handoverReport(of instance: InstanceState, now: Instant) -> StatusReport.Instance.Handover? {
        let counters = instance.counters
        guard instance.router.pendingRelease != nil || instance.lastHandover != nil else { return nil }
        var outcome: String?, master: String?, wait: Duration?
        switch instance.lastHandover?.end {
        case .tookOver(let by, let after)?: (outcome, master, wait) = ("took over", by?.description, after)
        case .timedOut(let after)?: (outcome, wait) = ("timed out", after)
        case .abandoned(let after)?: (outcome, wait) = ("abandoned", after)
        case nil: break
        }
        return .init(waitingSeconds: instance.router.pendingRelease.map { (now - $0.since).secondsValue }, lastOutcome: outcome,
                     lastNewMaster: master, lastWaitSeconds: wait?.secondsValue,
                     lastSecondsAgo: instance.lastHandover.map { (now - $0.at).secondsValue },
                     tookOver: counters.handoversTakenOver, timedOut: counters.handoversTimedOut, abandoned: counters.handoversAbandoned)
    }

    /// The drill's result is the one its `status` report gives (`Operation.drillReport`), so the two agree.
    private func drillMetrics(now: Instant) -> DrillMetrics? {
        guard let drill = lastDrill else { return nil }
        let report = drill.drillReport(now: now)
        var metrics = DrillMetrics(target: drill.target, result: report.result, handover: drill.handoverTime)
        metrics.overlapSeconds = report.overlapSeconds
        metrics.gapSeconds = report.gapSeconds
        return metrics
    }

    private func report(of instance: InstanceState, now: Instant) -> StatusReport.Instance {
        let metrics = instanceMetrics(of: instance, now: now)
        let counters = metrics.counters
        let router = instance.router
        let bound = instance.bound
        var report = StatusReport.Instance(
            name: metrics.name,
            state: metrics.state.rawValue,
            priority: Int(metrics.priority),
            basePriority: Int(metrics.basePriority),
            virtualRouterID: Int(metrics.virtualRouterID),
            interface: metrics.interface.name,
            sourceAddress: bound.source.description,
            transport: bound.multicastGroup.map { "multicast \($0)" }
                ?? "unicast " + bound.destinations.map(\.description).joined(separator: ","),
            virtualAddresses: instance.addresses.map {
                .init(address: $0.binding.description, held: $0.isHeld, failures: $0.refusals?.count ?? 0, lastError: $0.refusals?.lastError,
                      foreign: $0.phase == .foreign,
                      announceFailures: $0.announceFailures, leaseSeconds: bound.leaseSeconds(for: $0.binding.device).map(Int.init),
                      renewFailures: $0.renewFailures)
            },
            holdsVirtualAddresses: metrics.holdsEveryAddress,
            master: router.currentMaster?.description,
            fault: router.fault?.description,
            preempt: bound.router.preempt,
            secondsInState: router.stateSince.map { (now - $0).secondsValue } ?? 0,
            lastTransition: metrics.lastTransition.map {
                .init(from: $0.from.rawValue, to: $0.to.rawValue, reason: $0.reason.description, secondsAgo: $0.ago.secondsValue)
            },
            transitions: counters.transitions,
            becameMaster: counters.becameMaster,
            advertisementsSent: counters.advertisementsSent,
            advertisementsReceived: counters.advertisementsReceived,
            priorityZeroReceived: counters.priorityZeroReceived,
            sendErrors: counters.sendErrors,
            gratuitousARPErrors: counters.gratuitousARPErrors,
            addressesRestored: counters.addressesRestored,
            notifyFailures: counters.notifyFailures,
            drops: counters.drops.byName,
            trackers: instance.trackers.entries.map { entry in
                let kind: String
                let name: String
                switch entry.object {
                case .check(let check): (kind, name) = ("check", check)
                case .interface(let interface): (kind, name) = ("interface", interface)
                case .file(let file): (kind, name) = ("file", file)
                case .process(let process): (kind, name) = ("process", process)
                }
                return .init(name: name, kind: kind, up: entry.isUp, weight: entry.weight.weight, reverse: entry.weight.reverse,
                             value: kind == "file" ? entry.value : nil,
                             count: kind == "process" ? processCount(name) : nil)
            },
            maintenance: maintenance[instance.name].map { .init(reason: $0.reason, secondsAgo: (now - $0.since).secondsValue, strict: $0.strict) },
            lastAdvertSecondsAgo: router.state == .backup ? instance.lastAdvertAt.map { (now - $0).secondsValue } : nil,
            releasedMaster: counters.releasedMaster, priorityZeroSent: counters.priorityZeroSent,
            otherMasterAdverts: counters.otherMasterAdverts,
            routingFailures: instance.routing.isEmpty ? nil : counters.routingFailures)
        if router.state == .backup { report.masterDownSeconds = router.masterDownInterval.secondsValue }
        report.masterAdvertIntervalSeconds = router.masterAdvertisementInterval.duration.secondsValue
        report.lastTransition?.causes = instance.lastTransition.map { transition in
            transition.causes.map { $0.sentence { "\((now - Instant(sinceOrigin: .seconds($0))).formattedSeconds) s ago" } }
        }
        let proven = takeovers[instance.name] ?? [:]
        let heard = instance.peers.sorted { $0.value.lastAdvertAt > $1.value.lastAdvertAt }.map { address, peer in
            StatusReport.Peer(address: "\(address)", priority: Int(peer.priority), advertIntervalSeconds: peer.interval.duration.secondsValue,
                              lastAdvertSecondsAgo: (now - peer.lastAdvertAt).secondsValue, adverts: peer.adverts,
                              tookOverSecondsAgo: proven[address].map { (now - $0).secondsValue })
        }
        // Proven before, not heard since this process started (a Backup is silent).
        let silent = proven.filter { instance.peers[$0.key] == nil }.sorted { $0.key.description < $1.key.description }.map { address, at in
            StatusReport.Peer(address: "\(address)", priority: nil, advertIntervalSeconds: nil, lastAdvertSecondsAgo: nil, adverts: 0,
                              tookOverSecondsAgo: (now - at).secondsValue)
        }
        report.peers = heard.isEmpty && silent.isEmpty ? nil : heard + silent
        report.handover = handoverReport(of: instance, now: now)
        report.virtualMAC = bound.virtualMAC.map {
            .init(name: $0.name, hardwareAddress: Self.text($0.hardwareAddress), present: $0.exists, sendsOnBase: $0.sendsOnBase,
                  failures: instance.virtualMACState.failures, error: instance.virtualMACState.error)
        }
        return report
    }
}
