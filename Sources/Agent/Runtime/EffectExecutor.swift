import Config
import ControlProtocol
import Logging
import Node
import VRRP
#if canImport(Glibc)
import Glibc
#endif

/// Carries out the node's effects, in order, and reports every failure back as the event the
/// node must see (`NodeEvent.effectFailed`, a check's result). Owns what the effects touch:
/// the raw VRRP sockets, netlink, the ARP socket, the timer table, child processes and the
/// HTTP probe. Decides nothing.
final class EffectExecutor {
    enum ChildTag {
        case check(CheckRunID, name: String)
        case notify(NotifyJob)
        /// A notify FIFO's script (`notify_fifo_script`): runs until it exits, never timed out.
        case fifoScript(path: String)
    }

    private let logger: Logger
    private let notifier: SystemdNotifier
    private let addresses: AddressManager
    private let announcer: AddressAnnouncer
    private let routes: RouteManager
    private let dropRules = DropRules()
    private let virtualMACs: VirtualMACLinks
    let transports = TransportSet()
    var timers = TimerTable()
    let supervisor = ProcessSupervisor<ChildTag>()
    private var notify = NotifyQueue()
    private let fifos = NotifyFIFOs()
    let maintenanceStore: MaintenanceStore
    let history: HistoryJournal
    let takeoverStore: TakeoverStore
    /// Open while a drill watches the wire for the new Master's announcements.
    private(set) var announcementListener: ARPListener?
    /// libcurl's multi handle on the daemon's reactor, made for the first alert or HTTP check.
    private(set) var curl: CurlMulti?
    private var mail: MailSender?
    private var http: HTTPChecks?
    /// Where control replies go (the daemon's control socket).
    var replies: (ReplyID, ControlReply) -> Void = { _, _ in }
    /// Runs work that must not count as real-time (`ProcessScheduler.withoutRealtime`).
    var outsideRealtime: (() -> Void) -> Void = { $0() }
    private var resetter: ConnectionResetter { ConnectionResetter(logger: logger, outsideRealtime: outsideRealtime) }

    init(logger: Logger, notifier: SystemdNotifier, maintenanceStore: MaintenanceStore, history: HistoryJournal,
         takeoverStore: TakeoverStore) throws(AgentError) {
        self.logger = logger
        self.takeoverStore = takeoverStore
        self.history = history
        self.notifier = notifier
        self.maintenanceStore = maintenanceStore
        addresses = try AddressManager()
        routes = try RouteManager()
        announcer = try AddressAnnouncer()
        virtualMACs = try VirtualMACLinks()
    }

    /// Carries out effects in order; returns the events their failures raise, in order.
    func execute(_ effects: [NodeEffect], now: Instant) -> [NodeEvent] {
        var events: [NodeEvent] = []
        for effect in effects {
            events += execute(effect, now: now)
        }
        return events
    }

    private func execute(_ effect: NodeEffect, now: Instant) -> [NodeEvent] {
        do {
            switch effect {
            case .send(let outbound):
                let key = TransportKey(interfaceIndex: outbound.interface.index, family: outbound.source.family)
                guard let socket = transports.socket(for: key) else {
                    throw AgentError.socket(operation: "send advert on \(outbound.interface): no \(key.family) socket for the interface", errno: ENODEV)
                }
                for destination in outbound.destinations {
                    try socket.send(outbound.payload, to: destination, from: outbound.source, ttl: outbound.ttl)
                }
            case .addAddress(let change), .renewAddress(let change):
                _ = try addresses.add(change.binding.address, interfaceIndex: change.binding.device.index, leaseSeconds: change.leaseSeconds)
            case .drainAddress(let change):
                for route in change.binding.drainRoutes { _ = try routes.add(.route(route)) }
            case .endDrain(let change):
                for route in change.binding.drainRoutes.reversed() { _ = try routes.remove(.route(route)) }
            case .removeAddress(let change):
                if change.resetsConnections { resetter.reset(before: change) }
                _ = try addresses.remove(change.binding.address, interfaceIndex: change.binding.device.index)
            case .removeLeftoverAddress(let change):
                resetter.reset(before: change)
                if try addresses.remove(change.binding.address, interfaceIndex: change.binding.device.index) == .changed {
                    logger.warning("[\(change.instanceName)] removed \(change.binding): left behind by an earlier run")
                }
            case .dropTraffic(let addresses):
                try dropRules.apply(addresses)
            case .addRouting(let change):
                if try routes.add(change.entry) == .changed && change.isRepair {
                    logger.warning("[\(change.owner)] \(change.entry) was gone (deleted by someone else, or with its device); added back")
                }
            case .removeRouting(let change):
                if try routes.remove(change.entry) == .changed && change.isRepair {
                    logger.warning("[\(change.owner)] removed \(change.entry): left behind by an earlier run")
                }
            case .gratuitousARP(let request):
                return request.announceEach { binding in
                    do throws(AgentError) {
                        try announcer.announce(binding.address.address, hardwareAddress: binding.device.hardwareAddress,
                                               interfaceIndex: binding.device.index)
                        return nil
                    } catch {
                        return error.effectError
                    }
                }
            case .armTimer(let timer, let deadline):
                timers.arm(timer, at: deadline)
            case .cancelTimer(let slot):
                timers.cancel(slot)
            case .runCheck(let run):
                return try start(run, now: now)
            case .runNotify(let job):
                if let startable = notify.enqueue(job) { return startNotify(startable, now: now) }
            case .log(let line):
                log(line)
            case .statusChanged(let summary):
                notifier.status(summary)
            case .reply(let id, let reply):
                replies(id, reply)
            case .persistMaintenance(let records):
                try maintenanceStore.save(records)
            case .persistTakeovers(let takeovers):
                try takeoverStore.save(takeovers, now: now, wallClock: Daemon.wallClock())
            case .bindTransports(let wanted):
                try transports.follow(wanted)
            case .watchAnnouncements(let watch):
                announcementListener = watch ? try ARPListener() : nil
            case .followNotifyFIFOs(let wanted):
                let failures = fifos.follow(wanted) { script, path throws(AgentError) in
                    try supervisor.start(script.command, credentials: script.credentials, extraArguments: [path], timeout: nil,
                                         now: now, tag: .fifoScript(path: path))
                }
                if !failures.isEmpty { return [.effectFailed(effect, EffectError(code: -1, message: failures.joined(separator: "; ")))] }
            case .writeNotifyFIFO(let line, let path):
                try fifos.write(line, to: path)
            case .ensureVirtualMAC(let request):
                return try ensure(request)
            case .removeVirtualMAC(let request):
                try virtualMACs.remove(request)
                logger.info("[\(request.instanceName)] deleted macvlan \(request.name) (use_vmac)")
            case .sendMail(let alert):
                return try mailSender().send(alert)
            case .record(let entry):
                let failures = history.failures
                if let error = history.append(entry, wallClock: Daemon.wallClock(), monotonic: now.sinceOrigin.secondsValue, pid: Int(getpid())),
                   failures == 0 {
                    logger.error("transition history: \(error); entries stay in memory (`vipkeeper history`), each next one tries the file again; failures are counted in `vipkeeper status`")
                }
            }
        } catch let error as AgentError {
            return [.effectFailed(effect, error.effectError)]
        } catch {
            return [.effectFailed(effect, EffectError(code: -1, message: "\(error)"))]
        }
        return []
    }

    /// keepalived `use_vmac`: the macvlan made, reused or re-made, its link-local source
    /// address on it (IPv6), and the node told at once what the host has now.
    private func ensure(_ request: VirtualMACRequest) throws(AgentError) -> [NodeEvent] {
        let mac = request.hardwareAddress.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: ":")
        switch try virtualMACs.ensure(request) {
        case .created:
            logger.info("[\(request.instanceName)] made macvlan \(request.name) on \(request.parent) with MAC \(mac) (use_vmac)")
        case .reused:
            logger.notice("[\(request.instanceName)] macvlan \(request.name) on \(request.parent) with MAC \(mac) is there already (an earlier run left it): using it")
        case .recreated(let why):
            logger.warning("[\(request.instanceName)] interface \(request.name) \(why): deleted and made again as the use_vmac macvlan")
        }
        if request.hearsIPv4Adverts, let warning = virtualMACs.rpFilterWarning {
            logger.warning("[\(request.instanceName)] \(warning)")
        }
        guard let host = virtualMACs.host(request.name) else {
            throw .virtualMAC(name: request.name, reason: "made, but the kernel does not list it")
        }
        if let linkLocal = request.linkLocal {
            var address = VirtualAddress(address: linkLocal, location: .unplaced)
            address.prefixLength = 64
            _ = try addresses.add(address, interfaceIndex: host.index)
        }
        return [.interface(request.name, virtualMACs.host(request.name) ?? host)]
    }

    private func curlMulti() throws(CurlError) -> CurlMulti {
        if let curl { return curl }
        let multi = try CurlMulti()
        curl = multi
        return multi
    }

    private func mailSender() throws(CurlError) -> MailSender {
        if let mail { return mail }
        let sender = MailSender(curl: try curlMulti())
        mail = sender
        return sender
    }

    private func httpChecks() throws(CurlError) -> HTTPChecks {
        if let http { return http }
        let checks = HTTPChecks(curl: try curlMulti())
        http = checks
        return checks
    }

    // MARK: - libcurl

    /// A socket libcurl watches is ready.
    func curlReady(_ socket: Int32, now: Instant) -> [NodeEvent] {
        guard let curl else { return [] }
        return curlFinished(curl.ready(socket), now: now)
    }

    /// libcurl's timeout has passed (`curl.deadline`).
    func curlTimerDue(now: Instant) -> [NodeEvent] {
        guard let curl else { return [] }
        return curlFinished(curl.timerDue(now: now), now: now)
    }

    private func curlFinished(_ done: [CurlMulti.Finished], now: Instant) -> [NodeEvent] {
        guard !done.isEmpty else { return [] }
        return (http?.finished(done, now: now) ?? []) + (mail?.finished(done) ?? [])
    }

    /// No alert waits or is in flight.
    var mailIdle: Bool { mail?.isIdle ?? true }

    func log(_ line: LogLine) {
        switch line.level {
        case .debug: logger.debug("\(line.message)")
        case .info: logger.info("\(line.message)")
        case .notice: logger.notice("\(line.message)")
        case .warning: logger.warning("\(line.message)")
        case .error: logger.error("\(line.message)")
        }
    }

    // MARK: - Checks

    private func start(_ run: CheckRun, now: Instant) throws(AgentError) -> [NodeEvent] {
        switch run.kind {
        case .script(let command, let credentials):
            if let stuck = supervisor.dyingChild(where: { if case .check(_, let name) = $0 { name == run.name } else { false } }) {
                return [.checkCompleted(run.id, .failure("the previous run (pid \(stuck)) has not exited after SIGKILL"), duration: .zero)]
            }
            try supervisor.start(command, credentials: credentials, timeout: run.timeout, now: now, tag: .check(run.id, name: run.name))
        case .http(let definition):
            do {
                return try httpChecks().start(run.id, definition, timeout: run.timeout, now: now)
            } catch {
                return [.checkCompleted(run.id, .failure("libcurl: \(error.message)"), duration: .zero)]
            }
        }
        return []
    }

    // MARK: - Children

    /// A child's pidfd is readable.
    func childReadable(_ descriptor: Int32, now: Instant) -> [NodeEvent] {
        guard let finished = supervisor.readable(descriptor) else { return [] }
        return childFinished(finished, now: now)
    }

    /// Kills children past their deadline (reported as timed out at once, never waited for).
    func expireChildren(now: Instant) -> [NodeEvent] {
        let (finished, stuck) = supervisor.expire(now: now)
        for line in stuck { logger.error("\(line)") }
        return finished.flatMap { childFinished($0, now: now) }
    }

    private func childFinished(_ finished: ProcessSupervisor<ChildTag>.Finished, now: Instant) -> [NodeEvent] {
        switch finished.tag {
        case .check(let run, _):
            let outcome: CheckOutcome
            switch finished.outcome {
            case .exited(0): outcome = .success
            case .exited(127): outcome = .failure("exited 127 (command not found)")
            case .exited(let code): outcome = .failure("exited \(code)")
            case .signaled(let signal): outcome = .failure("killed by signal \(signal)")
            case .timedOut: outcome = .timedOut(finished.timeout)
            }
            return [.checkCompleted(run, outcome, duration: now - finished.startedAt)]
        case .notify(let job):
            var events: [NodeEvent] = []
            switch finished.outcome {
            case .exited(0): break
            case .exited(let code): events.append(.effectFailed(.runNotify(job), EffectError(code: code, message: "exited \(code)")))
            case .signaled(let signal): events.append(.effectFailed(.runNotify(job), EffectError(code: signal, message: "killed by signal \(signal)")))
            case .timedOut:
                events.append(.effectFailed(.runNotify(job), EffectError(code: ETIMEDOUT, message: "timed out after \(NotifyJob.timeout.formattedSeconds)s; its process group was killed")))
            }
            if let next = notify.finished(queue: job.queue) { events += startNotify(next, now: now) }
            return events
        case .fifoScript(let path):
            // keepalived logs it and does not start it again.
            logger.notice("notify fifo \(path): its script exited (\(finished.outcome)); it is not started again")
            return []
        }
    }

    private func startNotify(_ job: NotifyJob, now: Instant) -> [NodeEvent] {
        var events: [NodeEvent] = []
        var next: NotifyJob? = job
        while let current = next {
            do {
                try supervisor.start(current.command, credentials: current.credentials, extraArguments: current.arguments,
                                     timeout: NotifyJob.timeout, now: now, tag: .notify(current))
                return events
            } catch {
                events.append(.effectFailed(.runNotify(current), error.effectError))
                next = notify.finished(queue: current.queue)
            }
        }
        return events
    }

    /// No notify script runs, and no notify FIFO's script (those end when their FIFO is
    /// closed at shutdown, after reading the STOP lines).
    var notifyIdle: Bool {
        notify.isIdle && !supervisor.isRunning { if case .fifoScript = $0 { true } else { false } }
    }


    /// Shutdown: every child is killed (notify_stop got its bounded time); HTTP checks in
    /// flight end with the multi handle.
    func shutdown() {
        fifos.closeAll()  // already closed after the STOP lines, unless the node never started
        supervisor.killAll()
    }
}
