import Config
import Logging
import VRRP

/// Runs notify scripts for each instance one at a time, in transition order, each bounded by
/// a timeout; a failure is logged and never holds up the protocol.
final class NotifyQueue {
    struct Job {
        var command: ScriptCommand
        var arguments: [String]
        var label: String
    }

    static let timeout: Duration = .seconds(30)

    private let supervisor: ProcessSupervisor
    /// The user and group scripts run as (`script_user`); a reload may change them.
    var credentials: ScriptCredentials
    private let logger: Logger
    private var pending: [String: [Job]] = [:]
    private var busy: Set<String> = []

    init(supervisor: ProcessSupervisor, credentials: ScriptCredentials, logger: Logger) {
        self.supervisor = supervisor
        self.credentials = credentials
        self.logger = logger
    }

    /// The scripts keepalived runs for a transition: the state-specific one, then `notify`
    /// with INSTANCE|GROUP NAME STATE PRIORITY.
    static func jobs(for notify: NotifyCommands, scope: String, name instance: String, state: RouterState, priority: UInt8, stopping: Bool) -> [Job] {
        let name = stopping ? "STOP" : state.rawValue
        let specific: ScriptCommand?
        switch (stopping, state) {
        case (true, _): specific = notify.stop
        case (false, .master): specific = notify.master
        case (false, .backup): specific = notify.backup
        case (false, .fault): specific = notify.fault
        case (false, .initialize): specific = nil
        }
        var jobs: [Job] = []
        if let specific { jobs.append(Job(command: specific, arguments: [], label: "notify_\(name.lowercased())")) }
        if let generic = notify.generic {
            jobs.append(Job(command: generic, arguments: [scope, instance, name, String(priority)], label: "notify"))
        }
        return jobs
    }

    func enqueue(_ jobs: [Job], instance: String, now: Instant) {
        guard !jobs.isEmpty else { return }
        pending[instance, default: []] += jobs
        startNext(instance, now: now)
    }

    var isIdle: Bool { busy.isEmpty }

    private func startNext(_ instance: String, now: Instant) {
        guard !busy.contains(instance), var queue = pending[instance], !queue.isEmpty else { return }
        let job = queue.removeFirst()
        pending[instance] = queue
        busy.insert(instance)
        do {
            try supervisor.start(job.command, credentials: credentials, extraArguments: job.arguments, timeout: Self.timeout, now: now) { [weak self] outcome in
                guard let self else { return }
                if outcome != .exited(0) {
                    self.logger.warning("[\(instance)] \(job.label) `\(job.command)` \(HealthMonitor.outcome(of: outcome, timeout: Self.timeout).reason ?? "")")
                }
                self.busy.remove(instance)
                self.startNext(instance, now: MonotonicClock.now())
            }
        } catch {
            logger.warning("[\(instance)] \(job.label): \(error)")
            busy.remove(instance)
            startNext(instance, now: now)
        }
    }
}
