import Config
import VRRP

/// A notify script to run. Jobs of one `queue` (an instance, or `group NAME`) run one at a
/// time in the order given, each bounded by `timeout`; a failure never holds up the protocol.
public struct NotifyJob: Hashable, Sendable {
    public var queue: String
    public var label: String
    public var command: ScriptCommand
    public var arguments: [String]
    public var credentials: Credentials

    public static let timeout: Duration = .seconds(30)

    public init(queue: String, label: String, command: ScriptCommand, arguments: [String], credentials: Credentials) {
        self.queue = queue
        self.label = label
        self.command = command
        self.arguments = arguments
        self.credentials = credentials
    }

    /// What a notify reports: a state entered, the daemon stopping, or (keepalived
    /// `notify_deleted`) the instance removed by a reload.
    public enum Event: Hashable, Sendable {
        case entered(RouterState)
        case stopped
        case deleted
    }

    /// The scripts keepalived runs for a transition: the state-specific one, then `notify`
    /// with `INSTANCE|GROUP NAME STATE PRIORITY`.
    public static func jobs(for notify: BoundNotifyCommands, scope: String, name: String, queue: String, event: Event,
                            priority: UInt8) -> [NotifyJob] {
        let stateName: String
        let specific: BoundNotify?
        switch event {
        case .stopped: (stateName, specific) = ("STOP", notify.stop)
        case .deleted: (stateName, specific) = ("DELETED", notify.deleted)
        case .entered(let state):
            stateName = state.rawValue
            switch state {
            case .master: specific = notify.master
            case .backup: specific = notify.backup
            case .fault: specific = notify.fault
            case .initialize: specific = nil
            }
        }
        var jobs: [NotifyJob] = []
        if let specific {
            jobs.append(NotifyJob(queue: queue, label: "notify_\(stateName.lowercased())", command: specific.command, arguments: [],
                                  credentials: specific.credentials))
        }
        if let generic = notify.generic {
            jobs.append(NotifyJob(queue: queue, label: "notify", command: generic.command,
                                  arguments: [scope, name, stateName, String(priority)], credentials: generic.credentials))
        }
        return jobs
    }
}
