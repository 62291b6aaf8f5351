import Config
import Logging
import NIOSSL
import VRRP

/// Runs the checks instances track — `vrrp_script` commands and `vrrp_http_check` requests —
/// each on its interval, never two runs of one check at once, and turns their results into
/// up/down changes through rise/fall hysteresis. Nothing here blocks the event loop: scripts
/// are child processes watched by pidfd, HTTP runs on the probe's thread.
final class HealthMonitor {
    enum Kind: Equatable {
        case script(ScriptCommand, ScriptCredentials)
        case http(HTTPCheckDefinition)
    }

    struct Check {
        /// Unique for the daemon's life: a result that comes back after a reload replaced or
        /// removed its check finds no check and is dropped.
        let id: Int
        let name: String
        let kind: Kind
        let schedule: CheckSchedule
        /// An https check's TLS context, made once per check.
        let tls: Result<NIOSSLContext, HTTPProbe.Failure>?
        var counter: CheckResultCounter
        var nextRun: Instant
        var running = false
        var runs = 0
        var failures = 0
        var lastOutcome: CheckOutcome?
    }

    private(set) var checks: [Check] = []
    private var nextID = 0
    private let supervisor: ProcessSupervisor
    private var probe: HTTPProbe?
    let inbox: HealthInbox
    private let logger: Logger
    /// Called when a check's up/down state flips: name, up, reason.
    var onChange: (String, Bool, String) -> Void = { _, _, _ in }

    init(supervisor: ProcessSupervisor, logger: Logger) throws(AgentError) {
        self.supervisor = supervisor
        self.logger = logger
        inbox = try HealthInbox()
    }

    /// Runs the checks `configuration`'s instances track. A check whose settings did not change
    /// (a reload) keeps its up/down state, its counts and any run in flight; a new or changed
    /// one starts now from its `init_fail` state. Throws, changing nothing, when a script's
    /// user or group does not exist.
    func configure(_ configuration: Configuration, now: Instant) throws(AgentError) {
        let tracked = Set(configuration.instances.flatMap { $0.trackedChecks.map(\.name) })
        var wanted: [(name: String, kind: Kind, schedule: CheckSchedule)] = []
        for script in configuration.scripts where tracked.contains(script.name) {
            guard let command = script.command else { continue }
            let credentials: ScriptCredentials
            do {
                credentials = try ScriptCredentials.resolve(user: script.user ?? configuration.globals.scriptUser,
                                                            group: script.user != nil ? script.group : configuration.globals.scriptGroup)
            } catch {
                throw .script(command: command.text, reason: "\(error)")
            }
            wanted.append((script.name, .script(command, credentials), script.schedule))
        }
        for check in configuration.httpChecks where tracked.contains(check.name) {
            wanted.append((check.name, .http(check.settings), check.schedule))
        }

        var kept: [Check] = []
        for entry in wanted {
            if let old = checks.first(where: { $0.name == entry.name && $0.kind == entry.kind && $0.schedule == entry.schedule }) {
                kept.append(old)
                continue
            }
            nextID += 1
            var tls: Result<NIOSSLContext, HTTPProbe.Failure>?
            if case .http(let definition) = entry.kind { tls = HTTPProbe.tlsContext(for: definition) }
            kept.append(Check(id: nextID, name: entry.name, kind: entry.kind, schedule: entry.schedule, tls: tls,
                              counter: CheckResultCounter(rise: entry.schedule.rise, fall: entry.schedule.fall,
                                                          initiallyUp: !entry.schedule.initFail),
                              nextRun: now))
        }
        checks = kept
        if probe == nil, kept.contains(where: { if case .http = $0.kind { true } else { false } }) {
            probe = HTTPProbe()
        }
    }

    /// A check's current verdict, nil when no check has that name.
    func isUp(_ name: String) -> Bool? {
        checks.first { $0.name == name }?.counter.isUp
    }

    func shutdown() {
        probe?.shutdown()
    }

    /// The earliest time a check is due to start.
    var nextDeadline: Instant? {
        checks.filter { !$0.running }.map(\.nextRun).min()
    }

    /// Starts every check that is due and not already running.
    func tick(now: Instant) {
        for index in checks.indices where !checks[index].running && checks[index].nextRun <= now {
            start(index, now: now)
        }
    }

    /// Results from the HTTP probe's thread.
    func drainInbox(now: Instant) {
        for item in inbox.drain() {
            record(item.check, item.outcome, now: now)
        }
    }

    private func start(_ index: Int, now: Instant) {
        checks[index].running = true
        checks[index].runs += 1
        // The interval counts from the start of a run, as in keepalived.
        checks[index].nextRun = now + checks[index].schedule.interval
        let timeout = checks[index].schedule.effectiveTimeout
        let id = checks[index].id
        switch checks[index].kind {
        case .script(let command, let credentials):
            do {
                try supervisor.start(command, credentials: credentials, timeout: timeout, now: now) { [weak self] outcome in
                    self?.record(id, Self.outcome(of: outcome, timeout: timeout), now: MonotonicClock.now())
                }
            } catch {
                record(id, .failure("\(error)"), now: now)
            }
        case .http(let definition):
            let inbox = self.inbox
            probe?.run(definition, tls: checks[index].tls, timeout: timeout) { outcome in
                inbox.post(check: id, outcome: outcome)
            }
        }
    }

    static func outcome(of process: ChildProcess.Outcome, timeout: Duration) -> CheckOutcome {
        switch process {
        case .exited(0): return .success
        case .exited(127): return .failure("exited 127 (command not found)")
        case .exited(let code): return .failure("exited \(code)")
        case .signaled(let signal): return .failure("killed by signal \(signal)")
        case .timedOut: return .failure("timed out after \(timeout.seconds)s; its process group was killed")
        }
    }

    private func record(_ id: Int, _ outcome: CheckOutcome, now: Instant) {
        guard let index = checks.firstIndex(where: { $0.id == id }) else { return }
        checks[index].running = false
        checks[index].lastOutcome = outcome
        if !outcome.succeeded {
            checks[index].failures += 1
            logger.debug("check \(checks[index].name) failed: \(outcome.reason ?? "")")
        }
        if case .failure(let reason) = outcome, reason.hasPrefix("timed out") {
            logger.warning("check \(checks[index].name) \(reason)")
        }
        if checks[index].counter.record(success: outcome.succeeded) {
            let up = checks[index].counter.isUp
            let reason = outcome.reason ?? "succeeded"
            let counts = up ? "\(checks[index].schedule.rise) success(es)" : "\(checks[index].schedule.fall) failure(s)"
            logger.notice("check \(checks[index].name) is \(up ? "up" : "down") after \(counts): \(reason)")
            onChange(checks[index].name, up, reason)
        }
    }
}
