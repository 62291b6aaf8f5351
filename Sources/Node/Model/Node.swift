import Config
import ControlProtocol
import VRRP

/// The whole node as a pure, deterministic model: every instance on this machine, the checks
/// they track, sync groups, reloads and what to do when an effect failed. Events go in with
/// the time they happened; effects come out, in order, for the runtime to carry out. Nothing
/// here opens a socket, reads a clock or looks a name up, so the same model runs under the
/// simulator and in unit tests exactly as in the daemon.
///
/// Decided here:
/// - receive demux: which instance a packet is for, and whom a drop is counted against (§7.1);
/// - tracker verdicts: check results through rise/fall, link states, weights, FAULT, sync
///   groups moving together (keepalived semantics);
/// - virtual addresses as the kernel has them: a failed add is not held and is retried; an
///   address deleted by someone else while Master is put back at once;
/// - reload: what continues, restarts, starts and stops (`ReloadPlan`);
/// - notify scripts of instances and groups, and what gets logged.
public struct Node: Sendable {
    public internal(set) var configuration: BoundConfiguration
    var instances: [InstanceState] = []
    var checks = CheckTable()
    var groupStates: [String: RouterState] = [:]
    var rateLimited = RateLimitedLog()
    var interfaceDrops: [String: [DropCounter: Int]] = [:]
    var validators: [TransportKey: AdvertisementValidator] = [:]
    /// The last reported state of each interface, by name; unknown counts as up.
    var links: [String: Bool] = [:]
    /// The number last read from each `track_file`, by name; unknown counts as 0.
    var trackedFiles: [String: Int] = [:]
    /// Each `vrrp_track_process`'s count, verdict and pending delay, by name.
    var trackedProcesses: [String: ProcessQuorum] = [:]
    public internal(set) var lastReload: ReloadOutcome?
    private var nextInstanceID: UInt64 = 0
    /// Instances the operator took out of the election, by name (survives reloads).
    var maintenance: [String: MaintenanceEntry] = [:]
    /// Addresses of instances that no longer exist whose removal failed (`OrphanedAddress`).
    var orphanedAddresses: [OrphanedAddress] = []
    /// The drill or maintenance hand-over running now, or the last one.
    var operation: Operation?
    var previousDrill: Operation?
    var nextOperationID: UInt64 = 0
    /// Why the last `bindTransports` failed; cleared when it is tried again.
    var socketError: String?
    /// The `no_accept` drop rules as last asked of the runtime, and their failures.
    var dropRules = DropRulesState()
    /// `static_routes` then `static_rules`, as last asked of the kernel.
    var staticRouting: [RoutingState] = []
    /// A `NodeTimer.routingCheck` is armed (route changes are coalesced into one check).
    var isRoutingCheckArmed = false
    /// The notify FIFOs' counts, by path.
    var notifyFIFOCounters: [String: NotifyFIFOCounters] = [:]
    /// The e-mail alerts' counts.
    var mailCounters = MailCounters()
    /// Between `start` and the end of `stop`.
    public private(set) var isRunning = false
    /// A stop was asked for and a resigned Master still holds its addresses until the new
    /// Master announces itself (make-before-break); `isRunning` until every one is released.
    public private(set) var isStopping = false
    /// Every check's verdict, by name (`NodeEvent.resume`).
    public var checkVerdicts: [String: Bool] { checks.verdicts }
    /// `vrrp_startup_delay` keeps the instances in INIT (until `NodeTimer.startupDelay`).
    var isStartupDelayed = false
    /// Instances the process before this one left Master (`NodeEvent.resume`), and how it
    /// went, until they start.
    var resuming: (masters: Set<String>, after: MasterRestart) = ([], .inPlace)
    /// What the trackers are applying now (a check's flip, an interface going down): the
    /// cause the history gives the priority changes and FAULTs it leads to.
    var applying: [HistoryCause] = []
    /// Peers that took over from an instance in a drill or maintenance hand-over, and when
    /// (the last time), by instance name (survives reloads; persisted).
    var takeovers: [String: [IPAddress: Instant]] = [:]

    public init(configuration: BoundConfiguration) {
        self.configuration = configuration
        instances = configuration.instances.map { makeInstance($0) }
        staticRouting = configuration.staticRouting.map(RoutingState.init(entry:))
        rebuildValidators()
    }

    public mutating func handle(_ event: NodeEvent, now: Instant) -> [NodeEffect] {
        let watching = watchesGratuitousARP
        var effects = isStopping ? reactWhileStopping(to: event, now: now) : react(to: event, now: now)
        if instances.contains(where: { $0.isBeingRemoved && $0.isDone }) {
            effects += dropRetiredInstances()
        }
        if isStopping && instances.allSatisfy(\.isDone) {
            effects += finishStop(now: now)
        }
        if watchesGratuitousARP != watching { effects.append(.watchAnnouncements(watchesGratuitousARP)) }
        return followDropRules(effects)
    }

    /// While a stop waits for the new Masters: what releases the addresses (adverts, their
    /// gratuitous ARP, the routers' timers, the kernel's address events and failed effects),
    /// `status`, and a second stop request (which releases at once); the rest waits for the
    /// next start.
    private mutating func reactWhileStopping(to event: NodeEvent, now: Instant) -> [NodeEffect] {
        switch event {
        case .packet, .datagram, .addresses, .effectFailed, .stop, .gratuitousARPSeen:
            return react(to: event, now: now)
        case .timerFired(let timer):
            switch timer {
            case .router, .addressRetry, .addressDrain: return react(to: event, now: now)
            default: return []
            }
        case .command(let command, _, let reply):
            if case .status = command { return react(to: event, now: now) }
            return [.reply(reply, ControlReply(outcome: .refused, message: "the daemon is stopping"))]
        case .start, .resume, .handOff, .checkCompleted, .interface, .trackedFile, .trackedProcess, .routingChanged, .reload, .reloadRefused,
             .mailSent, .restoreMaintenance, .restoreTakeovers:
            return []
        }
    }

    private mutating func react(to event: NodeEvent, now: Instant) -> [NodeEffect] {
        switch event {
        case .start: return start(now: now)
        case .resume(let masters, let restart, let verdicts):
            return start(now: now, resuming: masters, after: restart, checkVerdicts: verdicts)
        case .stop: return stop(now: now)
        case .handOff: return handOff(now: now)
        case .packet(let bytes, let interfaceIndex): return receive(bytes, interfaceIndex: interfaceIndex, now: now)
        case .datagram(let datagram, let interfaceIndex): return receive(datagram, interfaceIndex: interfaceIndex, now: now)
        case .timerFired(let timer): return timerFired(timer, now: now)
        case .checkCompleted(let run, let outcome, let duration): return checkCompleted(run, outcome, duration: duration, now: now)
        case .interface(let name, let observed): return interfaceObserved(name, observed, now: now)
        case .trackedFile(let name, let value): return trackedFileRead(name, value: value, now: now)
        case .trackedProcess(let name, let count, let cause): return trackedProcessCounted(name, count: count, cause: cause, now: now)
        case .addresses(let interfaceIndex, let present): return addressesObserved(on: interfaceIndex, present: present, now: now)
        case .effectFailed(let effect, let error): return effectFailed(effect, error, now: now)
        case .routingChanged: return routingChanged(now: now)
        case .reload(let next): return reload(to: next, now: now)
        case .reloadRefused(let reason):
            lastReload = .refused(reason: reason, at: now)
            return [.log(LogLine(.error, "reload refused: \(reason); still running the previous configuration")),
                    record(.reload(applied: false, summary: reason), of: nil, causes: [], now: now)]
        case .command(let command, let peer, let reply):
            return self.command(command, from: peer, reply: reply, now: now)
        case .gratuitousARPSeen(let interfaceIndex, let address, let hardwareAddress):
            return gratuitousARPSeen(on: interfaceIndex, address: address, from: hardwareAddress, now: now)
        case .mailSent(let alert):
            return mailSent(alert)
        case .restoreMaintenance(let records, let wallClock):
            return restore(records, wallClock: wallClock, now: now)
        case .restoreTakeovers(let records):
            restore(records)
            return []
        }
    }

    // MARK: - Start and stop

    /// keepalived issue 2361: addresses a crashed earlier run left behind go first; then the
    /// checks start and every instance starts from its trackers' verdict (§6.4.1).
    private mutating func start(now: Instant, resuming: Set<String> = [], after restart: MasterRestart = .inPlace,
                                checkVerdicts: [String: Bool] = [:]) -> [NodeEffect] {
        guard !isRunning else { return [] }
        isRunning = true
        self.resuming = (resuming.filter { name in instances.contains { $0.name == name } }, restart)
        var effects: [NodeEffect] = configuration.notifyFIFOs.isEmpty ? [] : [.followNotifyFIFOs(configuration.notifyFIFOs)]
        // use_vmac: the macvlans first (one a crashed run left is reused or re-made), so the
        // leftovers on them go below and the instances can start on them.
        effects += ensureVirtualMACs(instances.indices)
        // keepalived's start_vrrp: static routes and rules (leftovers removed, then added)
        // before any instance.
        effects += startStaticRouting()
        for index in instances.indices {
            let bound = instances[index].bound
            if bound.router.virtualAddresses.count < bound.definition.virtualAddresses.count {
                effects.append(.log(LogLine(.warning, "[\(bound.name)] \(bound.definition.virtualAddresses.count) virtual addresses do not fit one advert on \(bound.interface) (MTU): the first \(bound.router.virtualAddresses.count) are advertised, the rest are held without being advertised, as keepalived does")))
            }
            // A resumed Master's addresses and routes are its own, kept from the process it
            // replaced.
            if self.resuming.masters.contains(bound.name) { continue }
            for slot in instances[index].addresses.indices { instances[index].addresses[slot].phase = .releasing }
            effects += removeLeftoverRouting(of: index)
            effects += instances[index].addresses.filter { $0.binding.device.index != 0 }
                .flatMap { leftovers(of: instances[index], $0.binding) }
        }
        effects.append(record(.daemon(resuming.isEmpty ? .started : .resumed), of: nil,
                              causes: resuming.isEmpty ? [] : [.resumed(TransitionReason.resumed(restart).description)], now: now))
        effects += checks.configure(configuration.checks, now: now, carried: checkVerdicts)
        for index in instances.indices {
            _ = syncTrackers(index)
        }
        let delay = configuration.startupDelay
        let masters = self.resuming.masters
        if !masters.isEmpty {
            effects.append(.log(LogLine(.notice, "resuming \(restart == .inPlace ? "in place" : "after a hand-off"): \(masters.sorted().joined(separator: ", ")) stay\(masters.count == 1 ? "s" : "") MASTER with the VIPs the previous process held")))
        }
        // A resumed Master must advertise before the peer's Master_Down_Timer runs out: no delay.
        guard delay > .zero, masters.isEmpty else { return effects + startInstances(now: now) }
        // keepalived's vrrp_startup_delay: no advert, no Master, no VIP before it ends; the
        // checks run meanwhile, so the instances start from their verdicts.
        isStartupDelayed = true
        return effects + [.log(LogLine(.notice, "delaying the start of the VRRP instances for \(delay.formattedSeconds) s (vrrp_startup_delay)")),
                          .armTimer(.startupDelay, at: now + delay)]
    }

    /// §6.4.1 for every instance, from its trackers' verdict.
    private mutating func startInstances(now: Instant) -> [NodeEffect] {
        isStartupDelayed = false
        var effects: [NodeEffect] = []
        for index in instances.indices where !deferStartForVirtualMAC(index) {
            effects += applyTrackers(of: index, now: now)
            effects += feed(index, resuming.masters.contains(instances[index].name) ? .resumeAsMaster(resuming.after) : .startup, now: now)
        }
        resuming.masters = []
        return effects
    }

    /// §6.4.2/§6.4.3 Shutdown for every instance: a Master sends a priority-0 advert and
    /// releases its addresses, with make-before-break once the new Master announces itself
    /// (`HandoverMode`); notify_stop runs. The checks end now; the rest of the node once every
    /// address is released (`finishStop`). A second request releases at once.
    private mutating func stop(now: Instant) -> [NodeEffect] {
        guard isRunning else { return [] }
        var effects: [NodeEffect] = isStopping ? [] : [record(.daemon(.stopping), of: nil, causes: [], now: now)]
        for index in instances.indices {
            effects += feed(index, .shutdown(handover: true), now: now)
        }
        guard !isStopping else { return effects }
        isStopping = true
        effects += checks.cancelAll
        if case .handover? = operation?.phase { effects.append(.cancelTimer(.operation)) }
        let waiting = instances.filter { $0.router.pendingRelease != nil }
        if let last = waiting.compactMap(\.router.pendingRelease?.deadline).max() {
            effects.append(.log(LogLine(.notice, "stopping: \(waiting.map(\.name).joined(separator: ", ")) keep\(waiting.count == 1 ? "s" : "") the virtual addresses until the new Master announces itself, at most \((last - now).formattedSeconds) s (a second stop request releases them at once)")))
        }
        return effects
    }

    /// `NodeEvent.handOff`: a last advert from every Master, the checks ended, and the node
    /// no longer running; nothing released.
    private mutating func handOff(now: Instant) -> [NodeEffect] {
        guard isRunning else { return [] }
        var effects = checks.cancelAll
        for index in instances.indices where instances[index].router.state == .master {
            effects += advertiseOnce(index, now: now)
        }
        effects.append(record(.daemon(.handedOff), of: nil, causes: [], now: now))
        if !configuration.notifyFIFOs.isEmpty { effects.append(.followNotifyFIFOs([])) }
        isRunning = false
        return effects
    }

    /// The end of a stop, once no resigned Master holds addresses any more: retries and
    /// macvlans, static routing, the FIFOs.
    private mutating func finishStop(now: Instant) -> [NodeEffect] {
        var effects: [NodeEffect] = []
        for index in instances.indices {
            effects.append(.cancelTimer(.addressRetry(instances[index].id)))
            effects.append(.cancelTimer(.virtualMACRetry(instances[index].id)))
            instances[index].virtualMACState = VirtualMACState()
        }
        // use_vmac: the macvlans go after every instance resigned on them (keepalived deletes
        // them at exit; the addresses on them go with them).
        effects += instances.indices.compactMap { virtualMACRequest($0).map(NodeEffect.removeVirtualMAC) }
        effects.append(.cancelTimer(.orphanRetry))
        effects.append(.cancelTimer(.startupDelay))
        effects.append(.cancelTimer(.dropRulesRetry))
        effects += stopStaticRouting()
        effects.append(.cancelTimer(.routingRetry))
        effects.append(.cancelTimer(.routingCheck))
        isRoutingCheckArmed = false
        isStartupDelayed = false
        // keepalived closes its FIFOs after the STOP lines (and removes those it made), so a
        // reader sees them, then the end of the pipe.
        effects.append(record(.daemon(.stopped), of: nil, causes: [], now: now))
        if !configuration.notifyFIFOs.isEmpty { effects.append(.followNotifyFIFOs([])) }
        isRunning = false
        isStopping = false
        return effects
    }

    // MARK: - Timers and checks

    private mutating func timerFired(_ timer: NodeTimer, now: Instant) -> [NodeEffect] {
        guard isRunning else { return [] }
        switch timer {
        case .router(let id, let token):
            guard let index = index(of: id) else { return [] }
            return feed(index, .timerFired(token), now: now)
        case .check(let id):
            return checks.due(id, now: now)
        case .addressRetry(let id):
            guard let index = index(of: id) else { return [] }
            return retryAddresses(of: index, now: now)
        case .operation(let id):
            return operationTimer(id, now: now)
        case .transportRetry:
            socketError = nil  // a failure now comes back in the same turn and sets it again
            return [.bindTransports(configuration.transports)]
        case .orphanRetry:
            return retryOrphanedAddresses(now: now)
        case .announcement(let id):
            guard let index = index(of: id) else { return [] }
            return announcementRound(index, now: now)
        case .dropRulesRetry:
            return retryDropRules()
        case .routingRetry:
            return retryRouting(now: now)
        case .routingCheck:
            return checkRouting()
        case .processDelay(let name):
            return processDelayOver(name, now: now)
        case .virtualMACRetry(let id):
            guard let index = index(of: id) else { return [] }
            return retryVirtualMAC(index)
        case .addressDrain(let id):
            guard let index = index(of: id) else { return [] }
            return endDrains(of: index)
        case .startupDelay:
            guard isStartupDelayed else { return [] }
            return [.log(LogLine(.notice, "vrrp_startup_delay is over: starting the VRRP instances"))] + startInstances(now: now)
        }
    }

    private mutating func checkCompleted(_ run: CheckRunID, _ outcome: CheckOutcome, duration: Duration, now: Instant) -> [NodeEffect] {
        guard isRunning else { return [] }
        let (flip, logged) = checks.complete(run, outcome, duration: duration, now: now)
        var effects = logged
        if let flip {
            let cause = Self.checkCause(flip, schedule: checks.checks.first { $0.name == flip.name }?.bound.schedule, outcome: outcome)
            if case .tracker(_, _, _, let detail) = cause {
                effects.append(record(.tracker(.check, name: flip.name, up: flip.isUp, detail: detail), of: nil, causes: [], now: now))
            }
            effects += applying(cause) { node in
                var effects: [NodeEffect] = []
                for index in node.instances.indices where node.instances[index].trackers.set(.check(flip.name), isUp: flip.isUp) {
                    effects += node.applyTrackers(of: index, now: now)
                }
                return effects
            }
        }
        return effects
    }

    mutating func linkChanged(_ name: String, up: Bool, now: Instant) -> [NodeEffect] {
        let known = links[name]
        links[name] = up
        let cause = HistoryCause.tracker(.interface, name: name, up: up, detail: nil)
        var effects: [NodeEffect] = []
        // A first report of an interface that is up is no change.
        if known.map({ $0 != up }) ?? !up, instances.contains(where: { $0.trackers.objects.contains(.interface(name)) }) {
            effects.append(record(.tracker(.interface, name: name, up: up, detail: nil), of: nil, causes: [], now: now))
        }
        return effects + applying(cause) { node in
            var effects: [NodeEffect] = []
            for index in node.instances.indices where node.instances[index].trackers.objects.contains(.interface(name)) {
                let changed = node.instances[index].trackers.set(.interface(name), isUp: up)
                if changed || (known == nil && !up) {
                    effects.append(.log(LogLine(.notice, "[\(node.instances[index].name)] interface \(name) is \(up ? "up" : "down")")))
                }
                if changed { effects += node.applyTrackers(of: index, now: now) }
            }
            return effects
        }
    }

    /// A `track_file`'s number changed (keepalived's `process_track_file`): every instance
    /// following it takes the new weight, or goes to FAULT, at once.
    mutating func trackedFileRead(_ name: String, value: Int, now: Instant) -> [NodeEffect] {
        guard trackedFiles[name] != value else { return [] }
        trackedFiles[name] = value
        let cause = HistoryCause.tracker(.file, name: name, up: true, detail: "reads \(value)")
        return applying(cause) { node in
            var effects: [NodeEffect] = []
            for index in node.instances.indices where node.instances[index].trackers.set(file: name, value: value) {
                effects.append(.log(LogLine(.notice, "[\(node.instances[index].name)] track_file \(name) reads \(value)")))
                effects += node.applyTrackers(of: index, now: now)
            }
            return effects
        }
    }

    // MARK: - Helpers

    mutating func makeInstance(_ bound: BoundInstance) -> InstanceState {
        nextInstanceID += 1
        return InstanceState(id: InstanceID(nextInstanceID), bound: bound)
    }

    func index(of id: InstanceID) -> Int? {
        instances.firstIndex { $0.id == id }
    }

    func change(_ instance: InstanceState, _ binding: VirtualAddressBinding) -> AddressChange {
        AddressChange(instance: instance.id, instanceName: instance.name, binding: binding,
                      leaseSeconds: instance.bound.leaseSeconds(for: binding.device))
    }

    /// The receive validator of each interface's routers of each family (§7.1).
    mutating func rebuildValidators() {
        var byTransport: [TransportKey: [RouterConfiguration]] = [:]
        for instance in instances {
            byTransport[instance.bound.transportKey, default: []].append(instance.bound.router)
        }
        validators = byTransport.mapValues(AdvertisementValidator.init)
    }

    /// Brings an instance's trackers to the current check verdicts and link states.
    mutating func syncTrackers(_ index: Int) -> Bool {
        var changed = false
        for object in instances[index].trackers.objects {
            let up: Bool?
            switch object {
            case .check(let name): up = checks.verdict(of: name)
            case .interface(let name): up = links[name]
            case .file(let name):
                if instances[index].trackers.set(file: name, value: trackedFiles[name] ?? 0) { changed = true }
                up = nil
            case .process(let name): up = processQuorum(name)
            }
            if let up, instances[index].trackers.set(object, isUp: up) { changed = true }
        }
        return changed
    }

    /// `VI_1 MASTER prio 110, VI_2 BACKUP prio 100` (systemd STATUS=).
    public var summary: String {
        instances.map { "\($0.name) \($0.router.state) prio \($0.router.priority)" }.joined(separator: ", ")
    }
}
