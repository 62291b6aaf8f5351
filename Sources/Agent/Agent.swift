import Config
import Logging
import VRRP
#if canImport(Glibc)
import Glibc
#endif

/// The daemon: owns every virtual router and every effect. One thread, one `poll` loop: VRRP
/// sockets, link notifications, signals, the control socket and timers are turned into core
/// events here, in order, and the actions the core returns are carried out here, in order.
public final class Agent {
    public struct Options: Sendable {
        public var controlSocketPath: String?
        public var version: String
        /// The file SIGHUP re-reads; nil turns reloading off.
        public var configurationPath: String?

        public init(controlSocketPath: String?, version: String, configurationPath: String? = nil) {
            self.controlSocketPath = controlSocketPath
            self.version = version
            self.configurationPath = configurationPath
        }
    }

    private var configuration: Configuration
    private let options: Options
    private let logger: Logger
    private let signals: SignalWatcher
    private let notifier: SystemdNotifier
    private let addresses: AddressManager
    private let links: NetlinkSocket
    private let linkMonitor: NetlinkSocket
    private let arp: GratuitousARPSender
    private var sockets: [VRRPSocket] = []
    private var validators: [Int32: AdvertisementValidator] = [:]
    private var instances: [InstanceRuntime] = []
    private var timers = TimerTable()
    private var control: ControlServer?
    private var dropLog = DropLog()
    private var interfaceDrops: [String: [String: Int]] = [:]
    private let startedAt = MonotonicClock.now()
    private var stopRequested = false
    private var reloadRequested = false
    private var lastReload: (at: Instant, applied: Bool, result: String)?
    private let supervisor = ProcessSupervisor()
    private let health: HealthMonitor
    private let notify: NotifyQueue
    private var groupStates: [String: RouterState] = [:]

    public init(configuration: Configuration, options: Options, signals: SignalWatcher,
                notifier: SystemdNotifier, logger: Logger) throws(AgentError) {
        self.configuration = configuration
        self.options = options
        self.signals = signals
        self.notifier = notifier
        self.logger = logger
        addresses = try AddressManager()
        links = try NetlinkSocket()
        linkMonitor = try NetlinkSocket(subscribeToLinks: true)
        arp = try GratuitousARPSender()
        health = try HealthMonitor(supervisor: supervisor, logger: logger)
        try health.configure(configuration, now: startedAt)
        notify = NotifyQueue(supervisor: supervisor, credentials: try Self.notifyCredentials(configuration), logger: logger)
        for definition in configuration.instances {
            instances.append(try resolve(definition, in: configuration))
        }
        removeLeftoverAddresses(of: instances.indices)
        (sockets, validators) = try makeSockets(for: instances, group: configuration.globals.multicastGroup)
        if let path = options.controlSocketPath {
            control = try ControlServer(path: path)
        }
        health.onChange = { [unowned self] name, up, _ in self.checkChanged(name, isUp: up) }
    }

    // MARK: - Set-up

    private static func notifyCredentials(_ configuration: Configuration) throws(AgentError) -> ScriptCredentials {
        do {
            return try ScriptCredentials.resolve(user: configuration.globals.scriptUser, group: configuration.globals.scriptGroup)
        } catch {
            throw .script(command: "notify", reason: "\(error)")
        }
    }

    /// Binds an instance to the machine: interfaces, source address, VIP devices.
    private func resolve(_ definition: InstanceDefinition, in configuration: Configuration) throws(AgentError) -> InstanceRuntime {
        let virtual = Set(definition.virtualAddresses.map(\.address))
        guard let interface = definition.interface
            ?? definition.unicastSourceAddress.flatMap(InterfaceAddresses.interface(holding:)) else {
            throw .interfaceNotFound(definition.unicastSourceAddress.map { "holding \($0)" } ?? "(none configured)")
        }
        guard let link = LinkState.read(interface, socket: links) else { throw .interfaceNotFound(interface) }
        guard let source = definition.unicastSourceAddress ?? definition.multicastSourceAddress
            ?? InterfaceAddresses.primary(of: interface, excluding: virtual) else {
            throw .noIPv4Address(interface: interface)
        }
        var bindings: [VirtualAddressBinding] = []
        for address in definition.virtualAddresses {
            let device = address.device ?? interface
            guard let deviceLink = device == interface ? link : LinkState.read(device, socket: links) else {
                throw .interfaceNotFound(device)
            }
            bindings.append(VirtualAddressBinding(address: address, interface: device, interfaceIndex: deviceLink.index,
                                                  hardwareAddress: deviceLink.hardwareAddress))
        }
        let routerConfiguration = configuration.routerConfiguration(for: definition, interfaceAddress: source)
        return InstanceRuntime(
            definition: definition,
            router: VirtualRouter(configuration: routerConfiguration),
            trackers: configuration.trackerSet(for: definition),
            interface: interface,
            interfaceIndex: link.index,
            destinations: definition.usesUnicast ? definition.unicastPeers : [configuration.globals.multicastGroup],
            source: source,
            virtualAddresses: bindings)
    }

    /// keepalived issue 2361: a VIP left on an interface by a run that was killed (kill -9, a
    /// crash, a power cut of the process) must not stay there: remove every configured VIP
    /// before anything else, so only an elected Master holds one.
    /// On reload this runs for the instances that start afresh, sparing any address an
    /// instance that continues holds.
    private func removeLeftoverAddresses(of indices: some Sequence<Int>) {
        let held = Set(instances.filter(\.holdsVirtualAddresses).flatMap { $0.virtualAddresses.map { "\($0.address.address)@\($0.interfaceIndex)" } })
        for instance in indices.map({ instances[$0] }) {
            for binding in instance.virtualAddresses where !held.contains("\(binding.address.address)@\(binding.interfaceIndex)") {
                do {
                    if try addresses.remove(binding.address, interfaceIndex: binding.interfaceIndex) == .changed {
                        logger.warning("[\(instance.name)] removed \(binding.address) from \(binding.interface): left behind by an earlier run")
                    }
                } catch {
                    logger.error("[\(instance.name)] could not remove leftover \(binding.address) from \(binding.interface): \(error)")
                }
            }
        }
    }

    /// One socket per interface with instances (an existing one is reused, so a reload misses
    /// no advert), joined to the multicast group when one of them uses multicast, and the
    /// receive validator of each interface's routers. Changes nothing of the agent's own.
    private func makeSockets(for instances: [InstanceRuntime], group: IPv4Address) throws(AgentError)
        -> (sockets: [VRRPSocket], validators: [Int32: AdvertisementValidator]) {
        var byInterface: [Int32: [InstanceRuntime]] = [:]
        for instance in instances {
            byInterface[instance.interfaceIndex, default: []].append(instance)
        }
        var made: [VRRPSocket] = []
        var validators: [Int32: AdvertisementValidator] = [:]
        for (interfaceIndex, members) in byInterface.sorted(by: { $0.key < $1.key }) {
            let socket: VRRPSocket
            if let existing = sockets.first(where: { $0.interfaceIndex == interfaceIndex }) {
                socket = existing
            } else {
                socket = try VRRPSocket(interface: members[0].interface, interfaceIndex: interfaceIndex)
            }
            if members.contains(where: { !$0.definition.usesUnicast }) {
                try socket.join(group)
            }
            made.append(socket)
            validators[interfaceIndex] = AdvertisementValidator(members.map(\.router.configuration))
        }
        return (made, validators)
    }

    // MARK: - Running

    /// Runs until SIGTERM or SIGINT; returns the process exit status.
    public func run() -> Int32 {
        let now = MonotonicClock.now()
        for index in instances.indices {
            refreshLinks(of: index, now: now, initial: true)
            feed(index, .startup, now: now)
        }
        notifier.ready(status: summary())
        let socketNote = control.map { ", control socket \($0.path)" } ?? ""
        logger.info("vipkeeper \(options.version) running \(instances.count) instance\(instances.count == 1 ? "" : "s")\(socketNote)")
        var nextWatchdog = notifier.watchdogInterval.map { MonotonicClock.now() + $0 }
        while !stopRequested {
            let now = MonotonicClock.now()
            if reloadRequested {
                reloadRequested = false
                reload(now: now)
            }
            for entry in timers.popDue(at: now) {
                feed(entry.instance, .timerFired(entry.token), now: now)
            }
            supervisor.expire(now: now)
            health.tick(now: now)
            if let due = nextWatchdog, let interval = notifier.watchdogInterval, now >= due {
                notifier.watchdog()
                nextWatchdog = now + interval
            }
            var wake = now + .seconds(1)
            if let deadline = timers.nextDeadline, deadline < wake { wake = deadline }
            if let due = nextWatchdog, due < wake { wake = due }
            if let due = health.nextDeadline, due < wake { wake = due }
            if let due = supervisor.nextDeadline, due < wake { wake = due }
            poll(timeout: max(.zero, wake - MonotonicClock.now()))
        }
        let stopping = MonotonicClock.now()
        notifier.stopping()
        for index in instances.indices {
            feed(index, .shutdown, now: stopping)
        }
        logger.info("stopped; every virtual address released")
        finishNotifyScripts(within: .seconds(5))
        supervisor.terminateAll()
        health.shutdown()
        return 0
    }

    /// notify_stop scripts get a bounded time to finish after the addresses are released.
    private func finishNotifyScripts(within limit: Duration) {
        let deadline = MonotonicClock.now() + limit
        while !notify.isIdle && MonotonicClock.now() < deadline {
            var descriptors = supervisor.descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            _ = Glibc.poll(&descriptors, nfds_t(descriptors.count), 100)
            for descriptor in descriptors where descriptor.revents != 0 {
                supervisor.exited(descriptor.fd)
            }
        }
    }

    private enum Source {
        case signals, links, vrrp(Int), controlListener, controlConnection(ControlServer.Connection), child(Int32), healthInbox
    }

    private func poll(timeout: Duration) {
        var sources: [Source] = [.signals, .links]
        var descriptors = [pollfd(fd: signals.fileDescriptor, events: Int16(POLLIN), revents: 0),
                           pollfd(fd: linkMonitor.fileDescriptor, events: Int16(POLLIN), revents: 0)]
        for (index, socket) in sockets.enumerated() {
            sources.append(.vrrp(index))
            descriptors.append(pollfd(fd: socket.fileDescriptor, events: Int16(POLLIN), revents: 0))
        }
        for descriptor in supervisor.descriptors {
            sources.append(.child(descriptor))
            descriptors.append(pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0))
        }
        sources.append(.healthInbox)
        descriptors.append(pollfd(fd: health.inbox.readDescriptor, events: Int16(POLLIN), revents: 0))
        if let control {
            sources.append(.controlListener)
            descriptors.append(pollfd(fd: control.fileDescriptor, events: Int16(POLLIN), revents: 0))
            for connection in control.connections {
                sources.append(.controlConnection(connection))
                let events = connection.output.isEmpty ? POLLIN : POLLOUT
                descriptors.append(pollfd(fd: connection.fileDescriptor, events: Int16(events), revents: 0))
            }
        }
        let ready = Glibc.poll(&descriptors, nfds_t(descriptors.count), Int32(min(timeout.millisecondsRoundedUp, 1000)))
        guard ready > 0 else { return }
        let now = MonotonicClock.now()
        for (source, descriptor) in zip(sources, descriptors) where descriptor.revents != 0 {
            switch source {
            case .signals: handleSignals()
            case .links: handleLinkChange(now: now)
            case .vrrp(let index): receive(on: sockets[index], now: now)
            case .child(let descriptor): supervisor.exited(descriptor)
            case .healthInbox: health.drainInbox(now: now)
            case .controlListener: control?.acceptClients(now: milliseconds(now))
            case .controlConnection(let connection):
                if connection.output.isEmpty {
                    control?.read(connection) { self.answer($0) }
                } else {
                    control?.flush(connection)
                }
            }
        }
        control?.expire(now: milliseconds(now))
    }

    private func handleSignals() {
        while let signal = signals.next() {
            switch signal {
            case SIGTERM, SIGINT:
                logger.info("received \(signal == SIGTERM ? "SIGTERM" : "SIGINT"): resigning and releasing the virtual addresses")
                stopRequested = true
            case SIGHUP:
                reloadRequested = true
            default:
                break
            }
        }
    }

    // MARK: - Reload

    /// SIGHUP: re-reads the configuration file. An invalid file, or one that cannot be bound
    /// to this machine (a missing interface, an unknown script user), changes nothing: the
    /// error is logged and the daemon runs on. Otherwise every instance whose configuration
    /// did not change continues untouched, and the rest stop and start (`ReloadPlan`).
    private func reload(now: Instant) {
        guard let path = options.configurationPath else {
            logger.warning("received SIGHUP, but this daemon was started without a configuration file to re-read")
            return
        }
        notifier.reloading()
        defer { notifier.ready(status: summary()) }
        logger.notice("received SIGHUP: reloading \(path)")
        let result = ConfigurationLoader.load(path: path)
        for diagnostic in result.diagnostics {
            logger.log(level: diagnostic.severity == .error ? .error : .warning, "\(diagnostic)")
        }
        guard let next = result.configuration else {
            refuseReload("\(result.errors) error\(result.errors == 1 ? "" : "s") in \(path)", now: now)
            return
        }
        let resolved: [InstanceRuntime]
        let notifyCredentials: ScriptCredentials
        let transport: (sockets: [VRRPSocket], validators: [Int32: AdvertisementValidator])
        do {
            resolved = try next.instances.map { definition throws(AgentError) in try resolve(definition, in: next) }
            notifyCredentials = try Self.notifyCredentials(next)
            transport = try makeSockets(for: resolved, group: next.globals.multicastGroup)
            try health.configure(next, now: now)
        } catch {
            refuseReload("\(error)", now: now)
            return
        }
        let plan = ReloadPlan(running: instances, in: configuration, resolved: resolved, in: next)

        // Stop what changed or went away while the old sockets and bindings are in place.
        for index in plan.stops {
            logger.notice("[\(instances[index].name)] \(plan.isRemoved(index) ? "removed from the configuration: stopping" : "configuration changed: restarting")")
            feed(index, .shutdown, now: now)
        }
        let previous = instances
        instances = zip(resolved, plan.continues).map { fresh, continued in
            guard let continued else { return fresh }
            var kept = previous[continued]
            kept.definition = fresh.definition
            return kept
        }
        timers.remap(plan.renumbering)
        configuration = next
        notify.credentials = notifyCredentials
        groupStates = groupStates.filter { name, _ in next.syncGroups.contains { $0.name == name } }
        (sockets, validators) = transport

        removeLeftoverAddresses(of: plan.started)
        for index in plan.started {
            for entry in instances[index].trackers.entries {
                if let up = health.isUp(entry.name) { _ = instances[index].trackers.set(entry.name, isUp: up) }
            }
            refreshLinks(of: index, now: now, initial: true)
            feed(index, .startup, now: now)
        }
        for index in instances.indices {
            applyTrackers(of: index, now: now)
        }
        logger.notice("\(plan.summary)")
        lastReload = (now, true, plan.summary)
    }

    private func refuseReload(_ reason: String, now: Instant) {
        logger.error("reload refused: \(reason); still running the previous configuration")
        lastReload = (now, false, "refused: \(reason)")
    }

    // MARK: - Links

    private func handleLinkChange(now: Instant) {
        linkMonitor.drain()
        for index in instances.indices {
            refreshLinks(of: index, now: now, initial: false)
        }
    }

    /// Reads the state of every link an instance tracks and applies the changes.
    private func refreshLinks(of index: Int, now: Instant, initial: Bool) {
        var changed = initial
        for interface in instances[index].trackedLinks {
            let up = LinkState.read(interface, socket: links)?.isUp ?? false
            if instances[index].trackers.set(Configuration.linkTrackerName(interface), isUp: up) || (initial && !up) {
                logger.notice("[\(instances[index].name)] link \(interface) is \(up ? "up" : "down")")
                changed = true
            }
        }
        if changed { applyTrackers(of: index, now: now) }
    }

    /// A check flipped up or down: every instance tracking it recomputes its verdict.
    private func checkChanged(_ name: String, isUp: Bool) {
        let now = MonotonicClock.now()
        for index in instances.indices where instances[index].trackers.set(name, isUp: isUp) {
            applyTrackers(of: index, now: now)
        }
    }

    /// Brings routers to their trackers' verdict: effective priority, and FAULT. The members
    /// of a `vrrp_sync_group` move together: one member in FAULT puts every member in FAULT,
    /// and each member's tracker weights apply to every member's priority, so with the same
    /// configuration on every node the group's addresses change hands as one.
    private func applyTrackers(of index: Int, now: Instant) {
        let group = configuration.syncGroup(of: instances[index].name)
        let members = group.map { group in instances.indices.filter { group.members.contains(instances[$0].name) } } ?? [index]
        let groupFault = members.lazy.compactMap { member in
            self.instances[member].trackers.faultReason.map { (member, $0) }
        }.first
        let groupAdjustment = members.map { instances[$0].trackers.adjustment }.reduce(0, +)
        for member in members {
            let own = instances[member].trackers.faultReason
            let fault = own ?? groupFault.map { "sync group \(group?.name ?? ""): \(instances[$0.0].name) \($0.1)" }
            let others = groupAdjustment - instances[member].trackers.adjustment
            let priority = instances[member].trackers.effectivePriority(adding: others)
            for event in instances[member].router.events(towardPriority: priority, fault: fault) {
                feed(member, event, now: now)
            }
        }
    }

    /// keepalived runs a sync group's notify scripts (`GROUP NAME STATE PRIORITY`) when every
    /// member has reached the same state.
    private func notifyGroup(of index: Int, now: Instant, stopping: Bool) {
        guard let group = configuration.syncGroup(of: instances[index].name) else { return }
        let members = instances.filter { group.members.contains($0.name) }
        guard let state = members.first?.router.state, members.allSatisfy({ $0.router.state == state }),
              groupStates[group.name] != state else { return }
        groupStates[group.name] = state
        notify.enqueue(NotifyQueue.jobs(for: group.notify, scope: "GROUP", name: group.name, state: state,
                                        priority: members[0].router.priority, stopping: stopping),
                       instance: "group \(group.name)", now: now)
    }

    // MARK: - Receiving

    private func receive(on socket: VRRPSocket, now: Instant) {
        guard let validator = validators[socket.interfaceIndex] else { return }
        for received in socket.receiveAll() where received.interfaceIndex == 0 || received.interfaceIndex == socket.interfaceIndex {
            let packet: IPv4Packet
            let advert: ReceivedAdvertisement
            do {
                packet = try IPv4Packet.parse(received.packet)
                guard packet.protocolNumber == IPv4Packet.vrrpProtocol else { continue }
                advert = try validator.validate(payload: packet.payload, ttl: packet.ttl, source: packet.source)
            } catch {
                countDrop(error, on: socket, bytes: received.packet, now: now)
                continue
            }
            guard let index = instances.firstIndex(where: {
                $0.interfaceIndex == socket.interfaceIndex && $0.virtualRouterID == advert.advertisement.virtualRouterID
            }) else { continue }
            if instances[index].source == packet.source { continue }
            instances[index].counters.advertisementsReceived += 1
            if advert.advertisement.priority == 0 { instances[index].counters.priorityZeroReceived += 1 }
            if advert.addressListMismatch,
               let line = dropLog.record(key: "\(instances[index].name)/addr_list_owner", message: "[\(instances[index].name)] address owner \(packet.source) advertises a different address list; accepted (RFC 3768 §7.1)", now: now) {
                logger.warning("\(line)")
            }
            feed(index, .advertisement(advert), now: now)
        }
    }

    /// §7.1: a dropped packet is counted (under keepalived's counter names) and logged at a
    /// limited rate; it changes nothing else.
    private func countDrop(_ reason: DropReason, on socket: VRRPSocket, bytes: [UInt8], now: Instant) {
        let packet = try? IPv4Packet.parse(bytes)
        let source = packet.map { " from \($0.source)" } ?? ""
        let vrid = packet.flatMap { $0.payload.count > 1 ? $0.payload[1] : nil }
        let owner = vrid.flatMap { vrid in
            instances.firstIndex { $0.interfaceIndex == socket.interfaceIndex && $0.virtualRouterID == vrid }
        }
        if let owner, reason != .unknownVirtualRouter(instances[owner].virtualRouterID) {
            instances[owner].counters.drops[reason.counterName, default: 0] += 1
        } else {
            interfaceDrops[socket.interface, default: [:]][reason.counterName, default: 0] += 1
        }
        if case .unknownVirtualRouter = reason { return }  // another router's traffic: silent
        let scope = owner.map { "[\(instances[$0].name)]" } ?? "[\(socket.interface)]"
        if let line = dropLog.record(key: "\(scope)/\(reason.counterName)", message: "\(scope) dropped packet\(source): \(reason) (\(reason.counterName))", now: now) {
            logger.warning("\(line)")
        }
    }

    // MARK: - Core events and actions

    private func feed(_ index: Int, _ event: RouterEvent, now: Instant) {
        let actions = instances[index].router.handle(event, now: now)
        execute(actions, for: index, now: now)
    }

    private func execute(_ actions: [RouterAction], for index: Int, now: Instant) {
        let name = instances[index].name
        for action in actions {
            switch action {
            case .sendAdvertisement(let advert):
                let bytes = advert.encoded()
                let instance = instances[index]
                guard let socket = sockets.first(where: { $0.interfaceIndex == instance.interfaceIndex }) else { continue }
                for destination in instance.destinations {
                    do {
                        try socket.send(bytes, to: destination, from: instance.source)
                        instances[index].counters.advertisementsSent += 1
                    } catch {
                        instances[index].counters.sendErrors += 1
                        if let line = dropLog.record(key: "\(name)/send", message: "[\(name)] \(error)", now: now) {
                            logger.error("\(line)")
                        }
                    }
                }
            case .addVirtualAddresses:
                changeVirtualAddresses(of: index, add: true)
            case .removeVirtualAddresses:
                changeVirtualAddresses(of: index, add: false)
            case .sendGratuitousARP(let count):
                for binding in instances[index].virtualAddresses {
                    do {
                        try arp.announce(binding.address.address, hardwareAddress: binding.hardwareAddress,
                                         interfaceIndex: binding.interfaceIndex, count: count)
                    } catch {
                        if let line = dropLog.record(key: "\(name)/garp", message: "[\(name)] \(error)", now: now) {
                            logger.error("\(line)")
                        }
                    }
                }
            case .setTimer(let token, let deadline):
                timers.set(instance: index, token: token, deadline: deadline)
            case .cancelTimer(let kind):
                timers.cancel(instance: index, kind: kind)
            case .stateChanged(let from, let to, let reason):
                instances[index].lastTransition = (from, to, reason, now)
                instances[index].counters.transitions += 1
                if to == .master { instances[index].counters.becameMaster += 1 }
                logger.notice("[\(name)] \(from) -> \(to) (\(reason)) priority \(instances[index].router.priority)")
                notifier.status(summary())
                let stopping: Bool
                if case .shutdown = reason { stopping = true } else { stopping = false }
                notify.enqueue(NotifyQueue.jobs(for: instances[index].definition.notify, scope: "INSTANCE", name: name, state: to,
                                                priority: instances[index].router.priority, stopping: stopping),
                               instance: name, now: now)
                notifyGroup(of: index, now: now, stopping: stopping)
            }
        }
    }

    private func changeVirtualAddresses(of index: Int, add: Bool) {
        for binding in instances[index].virtualAddresses {
            do {
                _ = add ? try addresses.add(binding.address, interfaceIndex: binding.interfaceIndex)
                        : try addresses.remove(binding.address, interfaceIndex: binding.interfaceIndex)
            } catch {
                logger.error("[\(instances[index].name)] could not \(add ? "add" : "remove") \(binding.address) \(add ? "to" : "from") \(binding.interface): \(error)")
            }
        }
        instances[index].holdsVirtualAddresses = add
    }

    // MARK: - Status

    private func answer(_ request: String) -> String {
        switch request {
        case "status": return status().json()
        default: return "{\"error\": \"unknown request `\(request.filter { $0.isLetter || $0.isNumber || $0 == " " })`; known: status\"}"
        }
    }

    func status() -> StatusReport {
        let now = MonotonicClock.now()
        return StatusReport(
            version: options.version,
            pid: Int(getpid()),
            routerID: configuration.globals.routerID,
            uptimeSeconds: (now - startedAt).seconds,
            configurationFile: options.configurationPath,
            lastReload: lastReload.map { .init(secondsAgo: (now - $0.at).seconds, applied: $0.applied, result: $0.result) },
            instances: instances.map { instance in
                let router = instance.router
                return StatusReport.Instance(
                    name: instance.name,
                    state: router.state.rawValue,
                    priority: Int(router.priority),
                    basePriority: Int(router.configuration.basePriority),
                    virtualRouterID: Int(instance.virtualRouterID),
                    interface: instance.interface,
                    sourceAddress: instance.source.description,
                    transport: instance.definition.usesUnicast
                        ? "unicast " + instance.destinations.map(\.description).joined(separator: ",")
                        : "multicast \(configuration.globals.multicastGroup)",
                    virtualAddresses: instance.virtualAddresses.map { "\($0.address) dev \($0.interface)" },
                    holdsVirtualAddresses: instance.holdsVirtualAddresses,
                    master: router.currentMaster?.description,
                    fault: router.faultReason,
                    preempt: router.configuration.preempt,
                    secondsInState: router.stateSince.map { (now - $0).seconds } ?? 0,
                    lastTransition: instance.lastTransition.map {
                        .init(from: $0.from.rawValue, to: $0.to.rawValue, reason: $0.reason.description, secondsAgo: (now - $0.at).seconds)
                    },
                    transitions: instance.counters.transitions,
                    becameMaster: instance.counters.becameMaster,
                    advertisementsSent: instance.counters.advertisementsSent,
                    advertisementsReceived: instance.counters.advertisementsReceived,
                    priorityZeroReceived: instance.counters.priorityZeroReceived,
                    sendErrors: instance.counters.sendErrors,
                    drops: instance.counters.drops,
                    trackers: instance.trackers.entries.map {
                        .init(name: $0.name, up: $0.isUp, weight: $0.weight.weight, reverse: $0.weight.reverse)
                    })
            },
            checks: health.checks.map { check in
                let kind: String
                switch check.kind {
                case .script: kind = "script"
                case .http: kind = "http"
                }
                return .init(name: check.name, kind: kind, up: check.counter.isUp, running: check.running, runs: check.runs,
                             failures: check.failures, lastResult: check.lastOutcome.map { $0.reason ?? "success" })
            },
            interfaceDrops: interfaceDrops)
    }

    private func summary() -> String {
        instances.map { "\($0.name) \($0.router.state) prio \($0.router.priority)" }.joined(separator: ", ")
    }

    private func milliseconds(_ instant: Instant) -> Int64 {
        instant.sinceOrigin.millisecondsRoundedUp
    }
}
