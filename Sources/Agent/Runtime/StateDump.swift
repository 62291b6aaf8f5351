import ControlProtocol

/// The files SIGUSR1 and SIGUSR2 write under the state directory, as keepalived writes
/// /tmp/keepalived.data and /tmp/keepalived.stats: `vipkeeper.data`, the node's whole status
/// (the JSON of `vipkeeper status --json`: instances, states, priorities, addresses,
/// trackers, counters, checks, the last drill and reload), and `vipkeeper.stats`, the
/// counters alone as text. Each is a few kilobytes, replaced atomically (`AtomicFile`), not
/// fsynced: a diagnostic snapshot, written on the event loop without waiting for the disk.
struct StateDump {
    enum Kind {
        /// SIGUSR1.
        case data
        /// SIGUSR2.
        case stats

        var fileName: String {
            switch self {
            case .data: return "vipkeeper.data"
            case .stats: return "vipkeeper.stats"
            }
        }

        /// For the log line: `wrote the state dump to ...`.
        var noun: String {
            switch self {
            case .data: return "the state dump"
            case .stats: return "the stats"
            }
        }
    }

    let directory: String

    func path(_ kind: Kind) -> String { directory + "/" + kind.fileName }

    /// Writes one file; returns its path.
    func write(_ kind: Kind, _ report: StatusReport) throws(AgentError) -> String {
        let text: String
        switch kind {
        case .data: text = report.json() + "\n"
        case .stats: text = Self.stats(report)
        }
        let path = path(kind)
        try AtomicFile.write(Array(text.utf8), to: path, mode: 0o600, durable: false)
        return path
    }

    /// The counters, one `name: value` a line under each instance and check.
    static func stats(_ report: StatusReport) -> String {
        var lines = ["vipkeeper \(report.version) pid \(report.pid), up \(Int(report.uptimeSeconds.rounded(.down))) s"]
        for instance in report.instances {
            lines.append("")
            lines.append("VRRP instance \(instance.name) (VRID \(instance.virtualRouterID) on \(instance.interface)): \(instance.state), priority \(instance.priority)")
            let counters: [(String, Int)] = [
                ("transitions", instance.transitions),
                ("became master", instance.becameMaster),
                ("released master", instance.releasedMaster),
                ("advertisements sent", instance.advertisementsSent),
                ("advertisements received", instance.advertisementsReceived),
                ("priority zero sent", instance.priorityZeroSent),
                ("priority zero received", instance.priorityZeroReceived),
                ("other master adverts", instance.otherMasterAdverts),
                ("send errors", instance.sendErrors),
                ("gratuitous ARP errors", instance.gratuitousARPErrors),
                ("addresses restored", instance.addressesRestored),
                ("notify failures", instance.notifyFailures),
            ]
            lines += counters.map { "  \($0.0): \($0.1)" }
            if let failures = instance.routingFailures { lines.append("  route/rule failures: \(failures)") }
            lines += instance.drops.sorted { $0.key < $1.key }.map { "  dropped (\($0.key)): \($0.value)" }
        }
        for (interface, drops) in report.interfaceDrops.sorted(by: { $0.key < $1.key }) {
            lines.append("")
            lines.append("interface \(interface), for no instance:")
            lines += drops.sorted { $0.key < $1.key }.map { "  dropped (\($0.key)): \($0.value)" }
        }
        for check in report.checks {
            lines.append("")
            lines.append("check \(check.name) (\(check.kind)): \(check.up ? "up" : "down")")
            lines.append("  runs: \(check.runs)")
            lines.append("  failures: \(check.failures)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
