import Config
import Logging
import VRRP

/// Runs the checks instances track — `vrrp_script` commands and `vrrp_http_check` requests —
/// each on its interval, never two runs of one check at once, and turns their results into
/// up/down changes through rise/fall hysteresis. Nothing here blocks the event loop: scripts
/// are child processes watched by pidfd, HTTP runs on the probe's thread.
final class HealthMonitor {
    enum Kind {
        case script(ScriptCommand, ScriptCredentials)
        case http(HTTPCheckDefinition)
    }

    struct Check {
        let name: String
        let kind: Kind
        let schedule: CheckSchedule
        var counter: CheckResultCounter
        var nextRun: Instant
        var running = false
        var runs = 0
        var failures = 0
        var lastOutcome: CheckOutcome?
    }

    private(set) var checks: [Check] = []
    private let supervisor: ProcessSupervisor
    private let probe: HTTPProbe?
    let inbox: HealthInbox
    private let logger: Logger
    /// Called when a check's up/down state flips: name, up, reason.
    var onChange: (String, Bool, String) -> Void = { _, _, _ in }

    init(configuration: Configuration, supervisor: ProcessSupervisor, logger: Logger, now: Instant) throws(AgentError) {
        self.supervisor = supervisor
        self.logger = logger
        inbox = try HealthInbox()
        let tracked = Set(configuration.instances.flatMap { $0.trackedChecks.map(\.name) })
        for script in configuration.scripts where tracked.contains(script.name) {
            guard let command = script.command else { continue }
            let credentials: ScriptCredentials
            do {
                credentials = try ScriptCredentials.resolve(user: script.user ?? configuration.globals.scriptUser,
                                                            group: script.user != nil ? script.group : configuration.globals.scriptGroup)
            } catch {
                throw .script(command: command.text, reason: "\(error)")
            }
            checks.append(Check(name: script.name, kind: .script(command, credentials), schedule: script.schedule,
                                counter: CheckResultCounter(rise: script.schedule.rise, fall: script.schedule.fall, initiallyUp: !script.schedule.initFail),
                                nextRun: now))
        }
        let httpChecks = configuration.httpChecks.filter { tracked.contains($0.name) }
        for check in httpChecks {
            checks.append(Check(name: check.name, kind: .http(check), schedule: check.schedule,
                                counter: CheckResultCounter(rise: check.schedule.rise, fall: check.schedule.fall, initiallyUp: !check.schedule.initFail),
                                nextRun: now))
        }
        probe = httpChecks.isEmpty ? nil : HTTPProbe(checks: httpChecks)
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
        for item in inbox.drain() where checks.indices.contains(item.check) {
            record(item.check, item.outcome, now: now)
        }
    }

    private func start(_ index: Int, now: Instant) {
        checks[index].running = true
        checks[index].runs += 1
        // The interval counts from the start of a run, as in keepalived.
        checks[index].nextRun = now + checks[index].schedule.interval
        let timeout = checks[index].schedule.effectiveTimeout
        switch checks[index].kind {
        case .script(let command, let credentials):
            do {
                try supervisor.start(command, credentials: credentials, timeout: timeout, now: now) { [weak self] outcome in
                    self?.record(index, Self.outcome(of: outcome, timeout: timeout), now: MonotonicClock.now())
                }
            } catch {
                record(index, .failure("\(error)"), now: now)
            }
        case .http(let definition):
            let inbox = self.inbox
            probe?.run(definition, timeout: timeout) { outcome in
                inbox.post(check: index, outcome: outcome)
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

    private func record(_ index: Int, _ outcome: CheckOutcome, now: Instant) {
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
