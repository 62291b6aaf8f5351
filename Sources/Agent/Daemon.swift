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
/// link and address events, signals, child pidfds, HTTP results, the control socket) and the
/// timers that are due into node events, and has the executor carry out the effects the node
/// returns; failures come back as events, handled in order. No VRRP policy lives here.
public final class Daemon {
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

    private enum Source: Hashable {
        case signals, netlink, vrrp(Int32), child(Int32), healthInbox, controlListener, controlConnection(Int32)
    }

    private var node: Node
    private let options: Options
    private let logger: Logger
    private let signals: SignalWatcher
    private let notifier: SystemdNotifier
    private let links: NetlinkSocket
    private let monitor: NetlinkSocket
    private let binder: ConfigurationBinder
    private let executor: EffectExecutor
    private var control: ControlServer?
    private var reactor = Reactor<Source>()
    private let startedAt = MonotonicClock.now()
    private var stopRequested = false
    private var reloadRequested = false

    public init(configuration: Configuration, options: Options, signals: SignalWatcher,
                notifier: SystemdNotifier, logger: Logger) throws(AgentError) {
        self.options = options
        self.signals = signals
        self.notifier = notifier
        self.logger = logger
        links = try NetlinkSocket()
        monitor = try NetlinkSocket(subscribeToLinks: true)
        binder = ConfigurationBinder(links: links)
        let bound = try binder.bind(configuration)
        executor = try EffectExecutor(logger: logger, notifier: notifier)
        try executor.transports.prepare(bound.transports)
        if let failure = executor.transports.install().first { throw failure }
        node = Node(configuration: bound)
        if let path = options.controlSocketPath {
            control = try ControlServer(path: path)
        }
    }

    // MARK: - Running

    /// Runs until SIGTERM or SIGINT; returns the process exit status.
    public func run() -> Int32 {
        var now = MonotonicClock.now()
        for link in binder.linkStates(of: node.configuration) {
            dispatch(.link(link.name, up: link.up), now: now)
        }
        dispatch(.start, now: now)
        observeAddresses(now: now)
        notifier.ready(status: node.summary)
        let socketNote = control.map { ", control socket \($0.path)" } ?? ""
        let count = node.configuration.instances.count
        logger.info("vipkeeper \(options.version) running \(count) instance\(count == 1 ? "" : "s")\(socketNote)")
        var nextWatchdog = notifier.watchdogInterval.map { now + $0 }
        while !stopRequested {
            var wake = now + .seconds(1)
            for deadline in [executor.timers.nextDeadline, executor.supervisor.nextDeadline, nextWatchdog].compactMap({ $0 })
            where deadline < wake {
                wake = deadline
            }
            register()
            let ready = reactor.wait(timeout: wake - now)
            now = MonotonicClock.now()  // the one clock read of this turn
            for source in ready {
                handle(source, now: now)
            }
            for timer in executor.timers.popDue(at: now) {
                dispatch(.timerFired(timer), now: now)
            }
            for event in executor.expireChildren(now: now) {
                dispatch(event, now: now)
            }
            control?.expire(now: now.sinceOrigin.millisecondsRoundedUp)
            if reloadRequested {
                reloadRequested = false
                reload(now: now)
            }
            if let due = nextWatchdog, let interval = notifier.watchdogInterval, now >= due {
                notifier.watchdog()
                nextWatchdog = now + interval
            }
        }
        let stopping = MonotonicClock.now()
        notifier.stopping()
        dispatch(.stop, now: stopping)
        logger.info("stopped")
        finishNotifyScripts(within: .seconds(5))
        executor.shutdown()
        return 0
    }

    /// Hands an event to the node and its effects to the executor; the events their failures
    /// raise are handled next, in order (bounded, so a bug cannot loop forever).
    /// After effects that change addresses the addresses are read back, so the node sees
    /// what the kernel really did.
    private func dispatch(_ event: NodeEvent, now: Instant) {
        var queue = [event]
        var handled = 0
        while !queue.isEmpty && handled < 10_000 {
            let next = queue.removeFirst()
            handled += 1
            let effects = node.handle(next, now: now)
            queue += executor.execute(effects, now: now)
            if effects.contains(where: \.changesAddresses) {
                queue += addressEvents()
            }
        }
    }

    private func register() {
        reactor.register(.signals, fd: signals.fileDescriptor)
        reactor.register(.netlink, fd: monitor.fileDescriptor)
        for socket in executor.transports.all {
            reactor.register(.vrrp(socket.interfaceIndex), fd: socket.fileDescriptor)
        }
        for descriptor in executor.supervisor.descriptors {
            reactor.register(.child(descriptor), fd: descriptor)
        }
        reactor.register(.healthInbox, fd: executor.inbox.readDescriptor)
        if let control {
            reactor.register(.controlListener, fd: control.fileDescriptor)
            for connection in control.connections {
                reactor.register(.controlConnection(connection.fileDescriptor), fd: connection.fileDescriptor,
                                 writable: !connection.output.isEmpty)
            }
        }
    }

    private func handle(_ source: Source, now: Instant) {
        switch source {
        case .signals:
            handleSignals()
        case .netlink:
            monitor.drain()
            for link in binder.linkStates(of: node.configuration) {
                dispatch(.link(link.name, up: link.up), now: now)
            }
            observeAddresses(now: now)
        case .vrrp(let interfaceIndex):
            guard let socket = executor.transports.socket(for: interfaceIndex) else { return }
            for received in socket.receiveAll() where received.interfaceIndex == 0 || received.interfaceIndex == interfaceIndex {
                dispatch(.packet(received.packet, interfaceIndex: interfaceIndex), now: now)
            }
        case .child(let descriptor):
            for event in executor.childReadable(descriptor, now: now) {
                dispatch(event, now: now)
            }
        case .healthInbox:
            for event in executor.drainInbox(now: now) {
                dispatch(event, now: now)
            }
        case .controlListener:
            control?.acceptClients(now: now.sinceOrigin.millisecondsRoundedUp)
        case .controlConnection(let descriptor):
            guard let control, let connection = control.connections.first(where: { $0.fileDescriptor == descriptor }) else { return }
            if connection.output.isEmpty {
                control.read(connection) { self.answer($0, now: now) }
            } else {
                control.flush(connection)
            }
        }
    }

    /// The addresses on every device a virtual address lives on, as the kernel has them now.
    private func observeAddresses(now: Instant) {
        for event in addressEvents() {
            dispatch(event, now: now)
        }
    }

    private func addressEvents() -> [NodeEvent] {
        let present = AddressTable.read(socket: links)
        let devices = Set(node.configuration.instances.flatMap { $0.virtualAddresses.map(\.device.index) })
        return devices.sorted().map { .addresses(interfaceIndex: $0, present: present[$0] ?? []) }
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

    /// notify_stop scripts get a bounded time to finish after the addresses are released.
    private func finishNotifyScripts(within limit: Duration) {
        let deadline = MonotonicClock.now() + limit
        var now = MonotonicClock.now()
        while !executor.notifyIdle && now < deadline {
            for descriptor in executor.supervisor.descriptors {
                reactor.register(.child(descriptor), fd: descriptor)
            }
            let ready = reactor.wait(timeout: .milliseconds(100))
            now = MonotonicClock.now()
            for case .child(let descriptor) in ready {
                _ = executor.childReadable(descriptor, now: now)
            }
            _ = executor.expireChildren(now: now)
        }
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
        let result = ConfigurationLoader.load(path: path)
        for diagnostic in result.diagnostics {
            logger.log(level: diagnostic.severity == .error ? .error : .warning, "\(diagnostic)")
        }
        guard let next = result.configuration else {
            dispatch(.reloadRefused("\(result.errors) error\(result.errors == 1 ? "" : "s") in \(path)"), now: now)
            return
        }
        let bound: BoundConfiguration
        do {
            bound = try binder.bind(next)
            try executor.transports.prepare(bound.transports)
        } catch {
            dispatch(.reloadRefused("\(error)"), now: now)
            return
        }
        for link in binder.linkStates(of: bound) {
            dispatch(.link(link.name, up: link.up), now: now)
        }
        let effects = node.handle(.reload(bound), now: now)
        for failure in executor.transports.install() {
            logger.error("reload: \(failure)")
        }
        for event in executor.execute(effects, now: now) {
            dispatch(event, now: now)
        }
        executor.transports.retire()
        executor.keepTLSContexts(for: bound.checks)
        observeAddresses(now: now)
    }

    // MARK: - Control

    private func answer(_ request: String, now: Instant) -> String {
        switch request {
        case "status":
            let info = DaemonInfo(version: options.version, pid: Int(getpid()), startedAt: startedAt,
                                  configurationFile: options.configurationPath, stuckChildren: executor.supervisor.stuck)
            return node.status(now: now, daemon: info).json()
        default:
            return "{\"error\": \"unknown request `\(request.filter { $0.isLetter || $0.isNumber || $0 == " " })`; known: status\"}"
        }
    }
}
