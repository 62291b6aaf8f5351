import Config
import ControlProtocol
import Logging
import Node
import VRRP
#if canImport(Glibc)
import Glibc
#endif

/// The daemon: a reactor and an effect executor around the pure `Node`. One thread, one
/// `poll` loop. Each turn reads the clock once, turns what is ready (VRRP sockets, netlink
/// link and address events, signals, child pidfds, HTTP results, the control socket, metrics
/// scrapes) and the timers that are due into node events, and has the executor carry out the
/// effects the node returns; failures come back as events, handled in order. No VRRP policy
/// lives here.
public final class Daemon {
    public struct Options: Sendable {
        public var controlSocketPath: String?
        public var version: String
        /// The file SIGHUP re-reads; nil turns reloading off.
        public var configurationPath: String?
        /// The config-id its conditional lines (`@ID ...`) are read for (`--config-id`).
        public var configID: String
        /// Where maintenance is persisted (`/var/lib/vipkeeper`).
        public var stateDirectory: String
        /// `--metrics ADDR:PORT`, over `metrics_listen` in the file.
        public var metricsListen: ListenAddress?

        public static let defaultStateDirectory = "/var/lib/vipkeeper"

        public init(controlSocketPath: String?, version: String, configurationPath: String? = nil,
                    configID: String = ConfigurationLoader.nodeConfigID,
                    stateDirectory: String = Options.defaultStateDirectory, metricsListen: ListenAddress? = nil) {
            self.metricsListen = metricsListen
            self.controlSocketPath = controlSocketPath
            self.version = version
            self.configurationPath = configurationPath
            self.configID = configID
            self.stateDirectory = stateDirectory
        }
    }

    private enum Source: Hashable {
        case signals, netlink, vrrp(TransportKey), child(Int32), controlListener, controlConnection(Int32), arp
        case metricsListener, metricsConnection(Int32), trackedFiles, trackedProcesses, routes
        /// A socket libcurl watches (HTTP checks, SMTP alerts).
        case curl(Int32)
    }

    private var node: Node
    private let options: Options
    private let logger: Logger
    private let signals: SignalWatcher
    private let notifier: SystemdNotifier
    private let links: NetlinkSocket
    private let monitor: NetlinkSocket
    /// Route and rule changes: followed while the configuration has routes or rules.
    private let routeMonitor: NetlinkSocket
    private let executor: EffectExecutor
    /// The event loop's scheduling (vrrp_rt_priority, max_auto_priority, vrrp_no_swap, ...).
    private let scheduler: ProcessScheduler
    private let schedulingAtStart: SchedulingSettings
    private var control: ControlServer?
    private let fileTracker: FileTracker
    private let processTracker = ProcessTracker()
    private var metrics: MetricsServer?
    private var reactor = Reactor<Source>()
    private let startedAt = MonotonicClock.now()
    private var stopRequested = false
    private var reloadRequested = false
    /// This binary's path as started (after a package upgrade /proc/self/exe names the
    /// replaced file): what `vipkeeper restart` executes.
    private let executablePath: String
    /// Children the image this one replaced in place left running (`MasterResume`).
    private var inheritedChildren: [pid_t] = []
    /// `vipkeeper hand-off` was answered: the loop ends without a stop, every VIP kept for the
    /// process the service manager starts next (`MasterResume`).
    private var handedOff = false
    /// The start's scheduling (`vrrp_rt_priority`, `vrrp_no_swap`, ...) is not applied yet: the
    /// loop starts at SCHED_OTHER and goes real-time once the start's burst is over.
    private var schedulingPending = true

    public init(configuration: Configuration, options: Options, signals: SignalWatcher,
                notifier: SystemdNotifier, logger: Logger) throws(AgentError) {
        self.options = options
        self.signals = signals
        self.notifier = notifier
        self.logger = logger
        scheduler = ProcessScheduler(logger: logger)
        schedulingAtStart = configuration.globals.scheduling
        var resolved = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        executablePath = realpath("/proc/self/exe", &resolved) != nil ? String(cString: resolved) : CommandLine.arguments[0]
        do {
            if let raised = try DescriptorLimit.raiseToHard() {
                logger.debug("raised the open-file limit (RLIMIT_NOFILE) from \(raised.from) to \(raised.to)")
            }
        } catch {
            logger.warning("\(error); the open-file limit stays as inherited")
        }
        links = try NetlinkSocket()
        monitor = try NetlinkSocket(subscribeToLinks: true)
        routeMonitor = try NetlinkSocket(subscribeToRoutes: true)
        let bound: BoundConfiguration
        do {
            bound = try Binder.bind(configuration, on: SystemHost(links: links))
        } catch {
            throw .binding(error)
        }
        if let sentence = Binder.scriptUserSentence(configuration, bound: bound) { logger.info("\(sentence)") }
        executor = try EffectExecutor(logger: logger, notifier: notifier,
                                      maintenanceStore: MaintenanceStore(directory: options.stateDirectory),
                                      history: HistoryJournal(directory: options.stateDirectory),
                                      takeoverStore: TakeoverStore(directory: options.stateDirectory))
        try executor.transports.prepare(bound.transports)
        if let failure = executor.transports.install().first { throw failure }
        node = Node(configuration: bound)
        fileTracker = try FileTracker()
        for file in bound.trackFiles {
            if let problem = FileTracker.initialize(file) { logger.error("\(problem)") }
        }
        for problem in fileTracker.follow(bound.trackFiles) { logger.warning("\(problem)") }
        if let problem = processTracker.follow(bound.trackProcesses) { logger.warning("\(problem)") }
        if let monitor = processTracker.monitorDescription { logger.info("track_process: \(monitor)") }
        if let path = options.controlSocketPath {
            let server = try ControlServer(path: path)
            // A socket only root can use is better than no daemon: a failed chown (no
            // CAP_CHOWN in the unit) is logged and the daemon runs, holding its VIPs.
            if let problem = server.setGroup(bound.controlGroupID) {
                logger.error("control_group \(bound.controlGroup ?? ""): \(problem); the control socket stays root-only (0600)")
            }
            control = server
        }
        let loaded = executor.maintenanceStore.load(wallClock: time(nil))
        if let damage = loaded.damage { logger.warning("\(damage)") }
        restored = loaded.records
        metricsListenAtStart = configuration.globals.metricsListen
        if let listen = options.metricsListen ?? configuration.globals.metricsListen {
            metrics = try MetricsServer(host: listen.host, port: listen.port)
        }
        executor.replies = { [unowned self] id, reply in self.control?.respond(id.value, reply.json()) }
        executor.outsideRealtime = { [scheduler] body in scheduler.withoutRealtime(body) }
    }

    /// Maintenance persisted by an earlier run.
    private var restored: [MaintenanceRecord] = []
    /// `metrics_listen` of the file at start (a reload does not move the listener).
    private var metricsListenAtStart: ListenAddress?
    /// What the configuration asks the loop to follow, kept from the last (re)load: asking the
    /// node's configuration on every turn copied it on every advert.
    private var followsRoutes = false
    private var followsFiles = false

    private func noteWhatToFollow() {
        followsRoutes = node.configuration.hasRouting
        followsFiles = !node.configuration.trackFiles.isEmpty
    }

    // MARK: - Running

    /// Runs until SIGTERM, SIGINT or SIGQUIT; returns the process exit status.
    public func run() -> Int32 {
        noteWhatToFollow()
        var now = MonotonicClock.now()
        observeHost(of: node.configuration, now: now)
        for event in fileTracker.readAll() { dispatch(event, now: now) }
        for event in processTracker.scan() { dispatch(event, now: now) }
        if !restored.isEmpty {
            dispatch(.restoreMaintenance(restored, wallClock: Self.wallClock()), now: now)
        }
        let takeovers = executor.takeoverStore.load(now: now, wallClock: Self.wallClock())
        if let problem = takeovers.problem { logger.warning("\(problem)") }
        if !takeovers.takeovers.isEmpty { dispatch(.restoreTakeovers(takeovers.takeovers), now: now) }
        let resumed = MasterResume.take(directory: options.stateDirectory, pid: getpid(), now: now)
        if let problem = resumed.problem { logger.warning("\(problem)") }
        if let found = resumed.found {
            let masters = found.masters
            let were = masters.isEmpty ? "no instance was" : masters.sorted().joined(separator: ", ") + (masters.count == 1 ? " was" : " were")
            switch found.kind {
            case .inPlace:
                inheritedChildren = MasterResume.inheritedChildren()
                logger.notice("restarted in place (vipkeeper restart): \(were) MASTER")
            case .successor, .reload:
                logger.notice("taking over from pid \(found.writer), which handed off for a restart: \(were) MASTER")
            }
            dispatch(.resume(masters: masters, after: found.kind, checkVerdicts: found.checks), now: now)
        } else {
            noteUnstoppedRun(now: now)
            dispatch(.start, now: now)
        }
        observeAddresses(now: now)
        notifier.ready(status: node.summary)
        let socketNote = (control.map { ", control socket \($0.path)" } ?? "")
            + ((options.metricsListen ?? metricsListenAtStart).map { ", metrics at http://\($0)/metrics" } ?? "")
        let count = node.configuration.instances.count
        logger.info("vipkeeper \(options.version) running \(count) instance\(count == 1 ? "" : "s")\(socketNote)")
        var nextWatchdog = notifier.watchdogInterval.map { now + $0 }
        let startedLoop = now
        while node.isRunning {
            let acceptResumes = [control?.pausedUntil, metrics?.pausedUntil].compactMap { $0 }.min()
                .map { Instant(sinceOrigin: .milliseconds($0)) }
            let due = [executor.timers.nextDeadline(), executor.supervisor.nextDeadline, nextWatchdog, acceptResumes,
                       executor.curl?.deadline].compactMap({ $0 }).min()
            let wake = min(due ?? now + .seconds(1), now + .seconds(1))
            register(now: now)
            let ready = reactor.wait(until: wake)
            now = MonotonicClock.now()  // the one clock read of this turn, the model's time
            // keepalived's auto priority: how late this turn runs after its earliest timer.
            if let due, now > due, !schedulingPending { scheduler.turnRan(lateness: now - due) }
            for source in ready {
                handle(source, now: now)
            }
            for timer in executor.timers.popDue(at: now) {
                dispatch(.timerFired(timer), now: now)
            }
            for event in executor.expireChildren(now: now) {
                dispatch(event, now: now)
            }
            for event in executor.curlTimerDue(now: now) {
                dispatch(event, now: now)
            }
            control?.expire(now: now.sinceOrigin.millisecondsRoundedUp)
            metrics?.expire(now: now.sinceOrigin.millisecondsRoundedUp)
            if !inheritedChildren.isEmpty {
                var status: Int32 = 0
                inheritedChildren.removeAll { waitpid($0, &status, WNOHANG) != 0 }
            }
            // Real-time once the start's burst is over: the first turn that found nothing to do,
            // or a second after the loop started. The start's work and its first turns (the
            // address events it caused, every check and notify script forked at once, files)
            // run long without blocking, and RLIMIT_RTTIME (10 ms by default: 3 ticks at
            // HZ=250, counted in wall-clock ticks, so a stolen vCPU counts too) would SIGKILL a
            // real-time process doing it (seen in test-systemd right after a restart).
            if schedulingPending && (ready.isEmpty || now - startedLoop >= .seconds(1)) {
                schedulingPending = false
                scheduler.configure(schedulingAtStart, reload: false)
            }
            if stopRequested && !handedOff {
                // The first request resigns (the VIPs stay until the new Master announces
                // itself); a second one releases them at once.
                stopRequested = false
                if !node.isStopping { notifier.stopping() }
                dispatch(.stop, now: now)
            }
            if reloadRequested && !node.isStopping {
                reloadRequested = false
                // Parsing and binding a file is not protocol work: SCHED_OTHER, so a large file
                // never meets RLIMIT_RTTIME.
                scheduler.withoutRealtime { reload(now: now) }
            }
            if let due = nextWatchdog, let interval = notifier.watchdogInterval, now >= due {
                notifier.watchdog()
                nextWatchdog = now + interval
            }
        }
        logger.info(handedOff ? "exited for the next process, which keeps the VIPs" : "stopped")
        finishNotifyScriptsAndMail(within: .seconds(5))
        executor.shutdown()
        metrics = nil  // closes the listener and its connections
        return 0
    }

    /// Hands an event to the node through the one driver (`Node.drive`); the executor carries
    /// out the effects and reports their failures back, and after effects that change
    /// addresses the addresses are read back, so the node sees what the kernel really did.
    private func dispatch(_ event: NodeEvent, now: Instant) {
        node.drive(event, now: now, execute: { effects in
            executor.execute(effects, now: now)
        }, readAddresses: { AddressTable.read(socket: links) })
    }

    private func register(now: Instant) {
        reactor.register(.signals, fd: signals.fileDescriptor)
        reactor.register(.netlink, fd: monitor.fileDescriptor)
        if followsRoutes {
            reactor.register(.routes, fd: routeMonitor.fileDescriptor)
        }
        for socket in executor.transports.all {
            reactor.register(.vrrp(TransportKey(interfaceIndex: socket.interfaceIndex, family: socket.family)), fd: socket.fileDescriptor)
        }
        for descriptor in executor.supervisor.descriptors {
            reactor.register(.child(descriptor), fd: descriptor)
        }
        if followsFiles {
            reactor.register(.trackedFiles, fd: fileTracker.fileDescriptor)
        }
        if processTracker.fileDescriptor >= 0 {
            reactor.register(.trackedProcesses, fd: processTracker.fileDescriptor)
        }
        for descriptor in executor.announcementListener?.fileDescriptors ?? [] {
            reactor.register(.arp, fd: descriptor)
        }
        for (socket, interest) in executor.curl?.sockets ?? [:] {
            reactor.register(.curl(socket), fd: socket, interest: interest)
        }
        if let metrics {
            if metrics.listening(now: now.sinceOrigin.millisecondsRoundedUp) {
                reactor.register(.metricsListener, fd: metrics.fileDescriptor)
            }
            for connection in metrics.connections {
                reactor.register(.metricsConnection(connection.fileDescriptor), fd: connection.fileDescriptor, interest: connection.interest)
            }
        }
        if let control {
            if control.listening(now: now.sinceOrigin.millisecondsRoundedUp) {
                reactor.register(.controlListener, fd: control.fileDescriptor)
            }
            for connection in control.connections {
                reactor.register(.controlConnection(connection.fileDescriptor), fd: connection.fileDescriptor, interest: connection.interest)
            }
        }
    }

    private func handle(_ source: Source, now: Instant) {
        switch source {
        case .metricsListener:
            if let problem = metrics?.acceptClients(now: now.sinceOrigin.millisecondsRoundedUp) {
                logger.warning("\(problem)")
            }
        case .metricsConnection(let descriptor):
            guard let metrics, let connection = metrics.connections.first(where: { $0.fileDescriptor == descriptor }) else { return }
            // Rendered in the loop from the node's typed view, at most four times a second
            // however often someone scrapes (`MetricsServer.renderInterval`).
            metrics.serve(connection, now: now.sinceOrigin.millisecondsRoundedUp) {
                MetricsRenderer.render(node.metricsSnapshot(now: now), version: options.version, wallClock: Self.wallClock(),
                                       process: ProcessMetrics.current())
            }
        case .signals:
            handleSignals(now: now)
        case .routes:
            routeMonitor.drain()
            dispatch(.routingChanged, now: now)
        case .netlink:
            monitor.drain()
            observeHost(of: node.configuration, now: now)
            observeAddresses(now: now)
        case .vrrp(let key):
            guard let socket = executor.transports.socket(for: key) else { return }
            for event in socket.receiveAll() {
                dispatch(event, now: now)
            }
        case .child(let descriptor):
            for event in executor.childReadable(descriptor, now: now) {
                dispatch(event, now: now)
            }
        case .trackedFiles:
            for event in fileTracker.drain() {
                dispatch(event, now: now)
            }
        case .trackedProcesses:
            for event in processTracker.drain() {
                dispatch(event, now: now)
            }
        case .controlListener:
            if let problem = control?.acceptClients(now: now.sinceOrigin.millisecondsRoundedUp) {
                logger.warning("\(problem)")
            }
        case .controlConnection(let descriptor):
            guard let control, let connection = control.connections.first(where: { $0.fileDescriptor == descriptor }) else { return }
            switch connection.interest {
            case .writable:
                control.flush(connection)
            case .hangUp:
                control.hungUp(connection)
            case .readable, .readableOrWritable:  // a control connection is never both
                if let line = control.read(connection) {
                    request(line, from: connection, now: now)
                }
            }
        case .curl(let socket):
            for event in executor.curlReady(socket, now: now) {
                dispatch(event, now: now)
            }
        case .arp:
            for heard in executor.announcementListener?.receive() ?? [] {
                dispatch(.gratuitousARPSeen(interfaceIndex: heard.interfaceIndex, address: heard.address,
                                            hardwareAddress: heard.hardwareAddress), now: now)
            }
        }
    }

    /// Every interface the configuration names, as the kernel has it now: the node follows
    /// links, re-created interfaces, MACs and advert sources from these reports.
    private func observeHost(of configuration: BoundConfiguration, now: Instant) {
        for (name, interface) in SystemHost(links: links).interfaces(of: configuration) {
            dispatch(.interface(name, interface), now: now)
        }
    }

    /// The addresses on every device a virtual address lives on, as the kernel has them now.
    private func observeAddresses(now: Instant) {
        let present = AddressTable.read(socket: links)
        for device in node.addressDevices {
            dispatch(.addresses(interfaceIndex: device, present: present[device] ?? []), now: now)
        }
    }

    /// Every signal that would have ended the process arrives here (`SignalAction`): a stray
    /// one is logged and ignored, so the VIP is only ever left through a stop that resigns.
    private func handleSignals(now: Instant) {
        while let signal = signals.next() {
            let name = SignalAction.name(signal)
            switch SignalAction(signal) {
            case .stop:
                logger.info(node.isStopping ? "received \(name) again: releasing the virtual addresses now"
                                            : "received \(name): resigning (priority-0 advert) and releasing the virtual addresses")
                stopRequested = true
            case .reload:
                reloadRequested = true
            case .writeStateDump:
                writeDump(.data, signal: name, now: now)
            case .writeStats:
                writeDump(.stats, signal: name, now: now)
            case .realtimeLimit:
                if let limit = scheduler.status.realtimeTimeLimit, scheduler.granted.isRealtime {
                    logger.warning("received \(name): the event loop ran real-time for \(limit / 2) µs without blocking, half its limit (vrrp_rlimit_rttime \(limit)); at the limit the kernel kills the daemon")
                } else {
                    logger.warning("received \(name): ignored (the event loop does not run real-time, so it is no RLIMIT_RTTIME warning)")
                }
            case .ignore:
                logger.warning("received \(name): ignored (vipkeeper acts on TERM, INT, QUIT, HUP, USR1 and USR2)")
            }
        }
    }

    /// SIGUSR1 / SIGUSR2: the status or the counters to a file in the state directory.
    private func writeDump(_ kind: StateDump.Kind, signal: String, now: Instant) {
        do {
            let path = try StateDump(directory: options.stateDirectory).write(kind, node.status(now: now, daemon: daemonInfo))
            logger.notice("received \(signal): wrote \(kind.noun) to \(path)")
        } catch {
            logger.error("received \(signal): cannot write \(kind.noun): \(error)")
        }
    }

    /// notify_stop scripts and the STOP alerts get a bounded time to finish after the
    /// addresses are released (an alert still waiting then is not sent).
    private func finishNotifyScriptsAndMail(within limit: Duration) {
        let deadline = MonotonicClock.now() + limit
        var now = MonotonicClock.now()
        while !(executor.notifyIdle && executor.mailIdle) && now < deadline {
            for descriptor in executor.supervisor.descriptors {
                reactor.register(.child(descriptor), fd: descriptor)
            }
            for (socket, interest) in executor.curl?.sockets ?? [:] {
                reactor.register(.curl(socket), fd: socket, interest: interest)
            }
            let wake = min(now + .milliseconds(100), executor.curl?.deadline ?? deadline)
            let ready = reactor.wait(until: wake)
            now = MonotonicClock.now()
            for source in ready {
                switch source {
                case .child(let descriptor):
                    _ = executor.childReadable(descriptor, now: now)
                case .curl(let socket):
                    for event in executor.curlReady(socket, now: now) { dispatch(event, now: now) }
                case .signals, .netlink, .vrrp, .controlListener, .controlConnection, .arp, .metricsListener, .metricsConnection,
                     .trackedFiles, .trackedProcesses, .routes:
                    break
                }
            }
            _ = executor.expireChildren(now: now)
            for event in executor.curlTimerDue(now: now) { dispatch(event, now: now) }
        }
        if !executor.mailIdle { logger.warning("smtp alert: stopping with alerts not yet sent") }
    }

    // MARK: - Reload

    /// SIGHUP: re-reads the configuration file. A file with errors, or one that cannot be
    /// bound to this machine (a missing interface, an unknown script user) or whose sockets
    /// cannot be opened, changes nothing. Otherwise the node applies it (`Node.reload`).
    private func reload(now: Instant) {
        guard let path = options.configurationPath else {
            logger.warning("received SIGHUP, but this daemon was started without a configuration file to re-read")
            return
        }
        notifier.reloading()
        defer { notifier.ready(status: node.summary) }
        logger.notice("received SIGHUP: reloading \(path)")
        let result = ConfigurationLoader.load(path: path, configID: options.configID)
        for diagnostic in result.diagnostics {
            logger.log(level: diagnostic.severity == .error ? .error : .warning, "\(diagnostic)")
        }
        guard let next = result.configuration else {
            dispatch(.reloadRefused("\(result.errors) error\(result.errors == 1 ? "" : "s") in \(path)"), now: now)
            return
        }
        let bound: BoundConfiguration
        do {
            bound = try Binder.bind(next, on: SystemHost(links: links))
            try executor.transports.prepare(bound.transports)
        } catch {
            dispatch(.reloadRefused("\(error)"), now: now)
            return
        }
        if bound.notifyCredentials != node.configuration.notifyCredentials,
           let sentence = Binder.scriptUserSentence(next, bound: bound) {
            logger.info("reload: \(sentence)")
        }
        observeHost(of: bound, now: now)
        for problem in fileTracker.follow(bound.trackFiles) { logger.warning("reload: \(problem)") }
        for event in fileTracker.readAll() { dispatch(event, now: now) }
        if let problem = processTracker.follow(bound.trackProcesses) { logger.warning("reload: \(problem)") }
        for event in processTracker.scan() { dispatch(event, now: now) }
        if next.globals.metricsListen != metricsListenAtStart {
            logger.warning("metrics_listen changed to \(next.globals.metricsListen.map(String.init(describing:)) ?? "off"); the metrics listener moves on restart")
            metricsListenAtStart = next.globals.metricsListen
        }
        if next.globals.scheduling != scheduler.settings {
            scheduler.configure(next.globals.scheduling, reload: !schedulingPending)
            schedulingPending = false
        }
        let effects = node.handle(.reload(bound), now: now)
        noteWhatToFollow()
        for failure in executor.transports.install() {
            logger.error("reload: \(failure)")
        }
        for event in executor.execute(effects, now: now) {
            dispatch(event, now: now)
        }
        executor.transports.retire()
        if let problem = control?.setGroup(bound.controlGroupID) {
            logger.error("reload: control_group: \(problem); the control socket is root-only (0600) until a reload succeeds")
        }
        observeAddresses(now: now)
    }

    // MARK: - Control

    /// One request line from a control client: decoded and validated here (a bad one, or a
    /// number out of range, is answered at once), decided by the node, answered by the executor.
    private func request(_ line: [UInt8], from connection: ControlServer.Connection, now: Instant) {
        let request: ControlRequest
        do {
            request = try ControlRequest.decode(line)
        } catch {
            control?.respond(connection.id, ControlReply(outcome: .error, message: "\(error)").json())
            return
        }
        let command: NodeCommand
        switch request.command {
        case .status:
            command = .status(daemonInfo)
        case .drill:
            command = .drill(target: request.instance, hold: request.hold, timeout: request.timeout, dryRun: request.dryRun ?? false)
        case .maintenanceOn:
            command = .maintenanceOn(target: request.instance, reason: request.reason ?? "maintenance", strict: request.strict ?? false,
                                     requestedAt: Self.wallClock())
        case .maintenanceOff:
            command = .maintenanceOff(target: request.instance)
        case .restart:
            scheduler.withoutRealtime { restartInPlace(connection, now: now) }
            return
        case .handOff:
            scheduler.withoutRealtime { handOff(connection, now: now) }
            return
        case .history:
            // Answered from the journal: the history is the runtime's record, not the node's state.
            let since = request.sinceSeconds.map { Self.wallClock() - $0 }
            let entries = executor.history.entries(since: since, instance: request.instance, limit: request.limit ?? ControlRequest.defaultHistoryLimit)
            control?.respond(connection.id, ControlReply(outcome: .ok, history: entries).json())
            return
        }
        dispatch(.command(command, from: connection.peer, reply: ReplyID(connection.id)), now: now)
    }

    /// `vipkeeper restart`: the installed binary replaces this image (`MasterResume`), once
    /// `writeResumeRecord` agreed and the client is answered.
    private func restartInPlace(_ connection: ControlServer.Connection, now: Instant) {
        guard access(executablePath, X_OK) == 0 else {
            return refuse(connection, "\(executablePath) cannot be executed: \(String(cString: strerror(errno))); nothing changed")
        }
        guard let kept = writeResumeRecord(for: connection, kind: .inPlace, now: now) else { return }
        control?.respond(connection.id, ControlReply(outcome: .ok, message: "restarting in place: \(kept)").json())
        logger.notice("restarting in place (vipkeeper restart): executing \(executablePath); \(kept)")
        // SCHED_OTHER across the exec: a real-time policy and RLIMIT_RTTIME survive execve, and
        // a starting image (loader, runtime, configuration) runs far longer than the limit
        // without blocking; the new image asks for real-time again once it has started.
        var code: Int32 = 0
        scheduler.withoutRealtime { code = MasterResume.exec(executablePath, arguments: CommandLine.arguments) }
        unlink(MasterResume.path(in: options.stateDirectory))
        logger.error("restart in place failed: execv \(executablePath): \(String(cString: strerror(code))); this process runs on")
    }

    /// `vipkeeper hand-off` (the unit's ExecStop on `systemctl restart`): once
    /// `writeResumeRecord` agreed and the client is answered, the loop ends without a stop:
    /// no priority-0 advert, every VIP, route and macvlan stays for the next process. A refusal
    /// leaves the daemon running, and the SIGTERM that follows moves the VIPs make-before-break.
    private func handOff(_ connection: ControlServer.Connection, now: Instant) {
        guard let kept = writeResumeRecord(for: connection, kind: .successor, now: now) else { return }
        control?.respond(connection.id, ControlReply(outcome: .ok, message: "handing off to the next process: \(kept)").json())
        logger.notice("handing off for a restart (vipkeeper hand-off): \(kept); exiting without a priority-0 advert")
        notifier.stopping()
        handedOff = true
        dispatch(.handOff, now: now)
    }

    private func refuse(_ connection: ControlServer.Connection, _ message: String) {
        control?.respond(connection.id, ControlReply(outcome: .refused, message: message).json())
    }

    /// What a restart that keeps the Masters needs before this process goes: the caller may
    /// (root or control_group), the daemon is not stopping, and the file on disk binds to
    /// exactly the running instances (a changed file is a reload first, or a restart that
    /// hands the VIPs over). Then the Masters go to `resume.json`. Returns what stays Master,
    /// in words, or nil once the client has been told why not (nothing changed).
    private func writeResumeRecord(for connection: ControlServer.Connection, kind: MasterRestart, now: Instant) -> String? {
        let peer = connection.peer
        guard peer.userID == 0 || node.configuration.controlGroupID.map(peer.groupIDs.contains) == true else {
            refuse(connection, "not allowed: only root or members of control_group may restart the daemon; you are uid \(peer.userID)")
            return nil
        }
        guard !node.isStopping else {
            refuse(connection, "the daemon is stopping")
            return nil
        }
        guard let path = options.configurationPath else {
            refuse(connection, "this daemon runs without a configuration file; a new process would have none to read")
            return nil
        }
        let result = ConfigurationLoader.load(path: path, configID: options.configID)
        guard let next = result.configuration else {
            refuse(connection, "\(path) has \(result.errors) error\(result.errors == 1 ? "" : "s") (vipkeeper check shows them): the new process would not start; nothing changed")
            return nil
        }
        let bound: BoundConfiguration
        do {
            bound = try Binder.bind(next, on: SystemHost(links: links))
        } catch {
            refuse(connection, "\(path) does not bind to this machine: \(error); nothing changed")
            return nil
        }
        let changed = node.instancesNotContinuing(under: bound)
        guard changed.isEmpty else {
            refuse(connection, "\(path) changed \(changed.joined(separator: ", ")) since it was loaded: reload first (systemctl reload vipkeeper), or restart with a handover (systemctl restart vipkeeper)")
            return nil
        }
        let masters = node.instanceViews.filter { $0.state == .master && $0.pendingRelease == nil }.map(\.name)
        let (seconds, attoseconds) = now.sinceOrigin.components
        let record = MasterResume.Record(pid: getpid(), writtenAtNanoseconds: seconds * 1_000_000_000 + attoseconds / 1_000_000_000,
                                         masters: masters, kind: kind, checks: node.checkVerdicts)
        do {
            try MasterResume.write(record, directory: options.stateDirectory)
        } catch {
            refuse(connection, "cannot write the resume record: \(error); nothing changed")
            return nil
        }
        return masters.isEmpty ? "no instance is MASTER" : masters.joined(separator: ", ") + " stay" + (masters.count == 1 ? "s" : "") + " MASTER"
    }

    private var daemonInfo: DaemonInfo {
        DaemonInfo(version: options.version, pid: Int(getpid()), startedAt: startedAt,
                   configurationFile: options.configurationPath, stuckChildren: executor.supervisor.stuck,
                   processMonitor: processTracker.monitorDescription,
                   scheduling: scheduler.status, history: executor.history.report)
    }

    /// Seconds since the epoch (for the persisted maintenance record only; timers never read it).
    /// A journal whose last run neither stopped nor handed off: it crashed (or was killed, or
    /// the power went), and the history says so before this run's entries.
    private func noteUnstoppedRun(now: Instant) {
        guard let last = executor.history.last, last.change != .daemon(.stopped), last.change != .daemon(.handedOff) else { return }
        logger.warning("the previous run (pid \(last.pid.map(String.init) ?? "?")) ended without stopping: its last recorded entry is #\(last.sequence)")
        executor.history.append(HistoryEntry(monotonic: now.sinceOrigin.secondsValue, instance: nil, change: .daemon(.endedWithoutStopping),
                                             causes: []),
                                wallClock: Self.wallClock(), monotonic: now.sinceOrigin.secondsValue, pid: last.pid ?? 0)
    }

    static func wallClock() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
