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

    /// The scripts keepalived runs for a transition: the state-specific one, then `notify`
    /// with `INSTANCE|GROUP NAME STATE PRIORITY`.
    public static func jobs(for notify: NotifyCommands, scope: String, name: String, queue: String, state: RouterState,
                            priority: UInt8, stopping: Bool, credentials: Credentials) -> [NotifyJob] {
        let stateName = stopping ? "STOP" : state.rawValue
        let specific: ScriptCommand?
        switch (stopping, state) {
        case (true, _): specific = notify.stop
        case (false, .master): specific = notify.master
        case (false, .backup): specific = notify.backup
        case (false, .fault): specific = notify.fault
        case (false, .initialize): specific = nil
        }
        var jobs: [NotifyJob] = []
        if let specific {
            jobs.append(NotifyJob(queue: queue, label: "notify_\(stateName.lowercased())", command: specific, arguments: [],
                                  credentials: credentials))
        }
        if let generic = notify.generic {
            jobs.append(NotifyJob(queue: queue, label: "notify", command: generic,
                                  arguments: [scope, name, stateName, String(priority)], credentials: credentials))
        }
        return jobs
    }
}
