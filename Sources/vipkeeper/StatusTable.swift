import ControlProtocol

/// The human table of `vipkeeper status`.
struct StatusTable {
    let report: StatusReport

    /// The scheduling line: shown when anything was asked or happened (the default, an
    /// inherited SCHED_OTHER at nice 0 with nothing late, says nothing).
    static func scheduling(_ s: StatusReport.Scheduling) -> String? {
        let kernel = s.policy + (s.realtimePriority > 0 ? " \(s.realtimePriority)" : "")
        guard kernel != "SCHED_OTHER" || s.wanted != "SCHED_OTHER" || s.nice != 0 || s.memoryLocked || !s.cpuAffinity.isEmpty
                || s.lateTurns > 0 || s.failures > 0 else { return nil }
        var parts = ["scheduling: \(kernel)" + (s.wanted == kernel ? "" : " (wanted \(s.wanted))")]
        if s.nice != 0 { parts.append("nice \(s.nice)") }
        if let limit = s.realtimeTimeLimit { parts.append("RLIMIT_RTTIME \(limit) µs") }
        parts.append(s.memoryLocked ? "memory locked" : "memory not locked")
        if !s.cpuAffinity.isEmpty { parts.append("CPUs " + s.cpuAffinity.map(String.init).joined(separator: ",")) }
        if s.lateTurns > 0 {
            parts.append("\(s.lateTurns) late turn\(s.lateTurns == 1 ? "" : "s") (last \(Self.duration(s.lastLatenessSeconds ?? 0)) late), \(s.autoRaises) priority raise\(s.autoRaises == 1 ? "" : "s")")
        }
        var line = parts.joined(separator: ", ")
        for problem in s.problems {
            line += "\n\(problem.setting) NOT IN FORCE (\(problem.count) refusal\(problem.count == 1 ? "" : "s")): \(problem.error)"
        }
        return line
    }

    /// Names the peers (the CLI's /etc/hosts).
    var hosts = HostsFile()

    /// `peer 10.250.0.12 (harbor-b): priority 100, adverts every 1 s, last heard as Master 0.8 s ago; ready as of a drill 2d3h ago`.
    /// `lastDrill`: the node's last drill when it covered this peer's instance; a failed one
    /// that came after the peer's last takeover says the peer did not answer it.
    static func peer(_ peer: StatusReport.Peer, hosts: HostsFile, lastDrill: DrillReport? = nil) -> String {
        let name = (peer.name ?? hosts.name(of: peer.address)).map { " (\($0))" } ?? ""
        var line = "peer \(peer.address)\(name): "
        if let priority = peer.priority, let interval = peer.advertIntervalSeconds, let age = peer.lastAdvertSecondsAgo {
            line += "priority \(priority), adverts every \(DrillCommand.milliseconds(interval)) s, last heard as Master \(Self.duration(age)) ago"
        } else {
            line += "not heard as Master since this daemon started"
        }
        if let drill = lastDrill, drill.result == .failed, drill.newMaster == nil, drill.secondsAgo < (peer.tookOverSecondsAgo ?? .infinity) {
            line += "; did NOT take over in the last drill (\(Self.duration(drill.secondsAgo)) ago)"
                + (peer.tookOverSecondsAgo.map { ", last ready as of a drill \(Self.duration($0)) ago" } ?? "")
        } else if let took = peer.tookOverSecondsAgo {
            line += "; ready as of a drill \(Self.duration(took)) ago (it took over from this node)"
        } else {
            line += "; never took over from this node in a drill (VRRP cannot see a silent Backup: `vipkeeper drill` proves it)"
        }
        return line
    }

    var text: String {
        var rows = [["INSTANCE", "STATE", "PRIO", "VRID", "INTERFACE", "VIPS", "MASTER", "SINCE", "ADVERTS OUT/IN", "DROPS"]]
        for instance in report.instances {
            let priority = instance.priority == instance.basePriority ? "\(instance.priority)" : "\(instance.priority) (\(instance.basePriority))"
            let drops = instance.drops.values.reduce(0, +)
            rows.append([
                instance.name, instance.state + (instance.holdsVirtualAddresses ? "*" : ""), priority, "\(instance.virtualRouterID)",
                instance.interface, instance.virtualAddresses.map { $0.address.split(separator: " ").first.map(String.init) ?? $0.address }.joined(separator: ","),
                instance.master.map { master in hosts.name(of: master).map { "\(master) (\($0))" } ?? master } ?? "-",
                Self.duration(instance.secondsInState),
                "\(instance.advertisementsSent)/\(instance.advertisementsReceived)", "\(drops)",
            ])
        }
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        var lines = rows.map { row in
            zip(row, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }.joined(separator: "  ")
                .trimmingTrailingSpaces()
        }
        lines.append("")
        lines.append("vipkeeper \(report.version), pid \(report.pid), up \(Self.duration(report.uptimeSeconds))\(report.routerID.map { ", router_id \($0)" } ?? "")  (* = holds its VIPs)")
        if let reload = report.lastReload {
            lines.append("last reload \(Self.duration(reload.secondsAgo)) ago: \(reload.result.replacingPrefix("reload applied: ", with: "applied: "))")
        }
        if let drill = report.lastDrill {
            lines.append("last drill of \(drill.target) \(Self.duration(drill.secondsAgo)) ago: \(drill.result.rawValue.uppercased())"
                + (drill.firstAdvertSeconds.map { ", handover \(DrillCommand.milliseconds($0)) s" } ?? "")
                + (drill.newMaster.map { " to \($0)" } ?? "") + (drill.verdict.map { "; \($0)" } ?? ""))
        }
        for check in report.checks {
            lines.append("check \(check.name) (\(check.kind)): \(check.up ? "up" : "DOWN"), \(check.runs) runs, \(check.failures) failed\(check.lastResult.map { ", last: \($0)" } ?? "")")
        }
        for instance in report.instances {
            if let fault = instance.fault { lines.append("\(instance.name): FAULT because \(fault)") }
            if let maintenance = instance.maintenance {
                lines.append("\(instance.name): in maintenance\(maintenance.strict ? " (strict)" : "") for \(Self.duration(maintenance.secondsAgo)): \(maintenance.reason)")
            }
            if let last = instance.lastTransition {
                let why = last.causes.map { $0.joined(separator: "; ") } ?? last.reason
                lines.append("\(instance.name): \(last.from) -> \(last.to) \(Self.duration(last.secondsAgo)) ago because \(why)")
            }
            for peer in instance.peers ?? [] {
                let drill = report.lastDrill.flatMap { $0.instances.contains(instance.name) ? $0 : nil }
                lines.append("\(instance.name): " + Self.peer(peer, hosts: hosts, lastDrill: drill))
            }
            let down = instance.trackers.filter { !$0.up }.map(\.name)
            if !down.isEmpty { lines.append("\(instance.name): down: \(down.joined(separator: ", "))") }
            for address in instance.virtualAddresses {
                let attempts = "\(address.failures) failed attempt\(address.failures == 1 ? "" : "s"), last: \(address.lastError ?? "?")"
                if address.failures > 0 {
                    // A Master retries adds; any other state retries removals.
                    lines.append("\(instance.name): \(address.address) " + (instance.state == "MASTER" ? "NOT HELD: " : "NOT REMOVED: ") + attempts)
                }
                if address.foreign { lines.append("\(instance.name): \(address.address) is present although not held here") }
                if let lease = address.leaseSeconds, address.held {
                    lines.append("\(instance.name): \(address.address): leased \(lease) s, renewed with every advert (routed: withdrawn by the kernel if this daemon stops advertising)")
                }
                if let failures = address.renewFailures, failures > 0 {
                    lines.append("\(instance.name): \(address.address): \(failures) lease renewal\(failures == 1 ? "" : "s") failed")
                }
                if address.announceFailures > 0 {
                    lines.append("\(instance.name): \(address.address): \(address.announceFailures) gratuitous ARP / NA frame\(address.announceFailures == 1 ? "" : "s") could not be sent")
                }
            }
            if instance.addressesRestored > 0 {
                lines.append("\(instance.name): virtual addresses put back after an external delete: \(instance.addressesRestored)")
            }
            if let handover = instance.handover {
                if let waiting = handover.waitingSeconds {
                    lines.append("\(instance.name): resigned \(DrillCommand.milliseconds(waiting)) s ago; holding the VIPs until the new Master announces itself")
                }
                if let outcome = handover.lastOutcome, let wait = handover.lastWaitSeconds, let ago = handover.lastSecondsAgo {
                    let who = handover.lastNewMaster.map { " by \($0)" } ?? ""
                    lines.append("\(instance.name): last handover \(outcome)\(who) \(DrillCommand.milliseconds(wait)) s after the priority-0 advert, \(Int(ago)) s ago")
                }
            }
            if let vmac = instance.virtualMAC {
                var line = "\(instance.name): use_vmac \(vmac.name) (\(vmac.hardwareAddress)) \(vmac.present ? "present" : "NOT PRESENT")"
                if vmac.sendsOnBase { line += ", adverts on \(instance.interface) (vmac_xmit_base)" }
                if vmac.failures > 0 { line += ", \(vmac.failures) failed attempt\(vmac.failures == 1 ? "" : "s") to make it" }
                if let error = vmac.error { line += "; last: \(error)" }
                lines.append(line)
            }
            if !instance.drops.isEmpty {
                lines.append("\(instance.name): drops: " + instance.drops.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
            }
        }
        for pending in report.pendingRemovals {
            lines.append("\(pending.instance) (no longer configured): \(pending.address) on \(pending.device) NOT REMOVED: \(pending.failures) failed attempt\(pending.failures == 1 ? "" : "s"), last: \(pending.lastError)")
        }
        if let rules = report.dropRules {
            if let error = rules.error {
                lines.append("no_accept: drop rules NOT APPLIED (\(rules.failures) failed attempt\(rules.failures == 1 ? "" : "s")), last: \(error)")
            } else if !rules.addresses.isEmpty {
                lines.append("no_accept: traffic to \(rules.addresses.joined(separator: ", ")) is dropped")
            }
        }
        let routing = report.routing ?? []
        for owner in Set(routing.map(\.owner)).sorted() {
            let entries = routing.filter { $0.owner == owner }
            let installed = entries.filter(\.installed).count
            lines.append("\(owner): \(installed) of \(entries.count) route\(entries.count == 1 ? "" : "s")/rule\(entries.count == 1 ? "" : "s") installed")
            for entry in entries where entry.failures > 0 {
                lines.append("\(owner): \(entry.entry) NOT \(entry.installed ? "REMOVED" : "ADDED"): \(entry.failures) failed attempt\(entry.failures == 1 ? "" : "s"), last: \(entry.lastError ?? "refused")")
            }
        }
        if let mail = report.mail {
            lines.append("mail alerts via smtp://\(mail.server) to \(mail.recipients): \(mail.queued) queued, \(mail.sent) sent, \(mail.failed) failed, \(mail.dropped) dropped"
                + (mail.lastError.map { "; last error: \($0)" } ?? ""))
        }
        for fifo in report.notifyFIFOs ?? [] {
            var line = "notify fifo \(fifo.path): \(fifo.linesWritten) line\(fifo.linesWritten == 1 ? "" : "s") written"
            if fifo.linesDropped > 0 { line += ", \(fifo.linesDropped) dropped (pipe full)" }
            if fifo.failures > 0 { line += ", \(fifo.failures) not written" }
            if let error = fifo.lastError { line += "; last: \(error)" }
            lines.append(line)
        }
        if let scheduling = report.scheduling, let line = Self.scheduling(scheduling) { lines.append(line) }
        if let history = report.history, history.failures > 0 {
            lines.append("history \(history.path): \(history.failures) entr\(history.failures == 1 ? "y" : "ies") not written (kept in memory); last: \(history.lastError ?? "?")")
        }
        let degradations = report.degradations
        let verdict = report.criticalProblems.isEmpty ? "DEGRADED: " : "CRITICAL: "
        lines.append(degradations.isEmpty ? "healthy" : verdict + degradations.joined(separator: "; "))
        return lines.joined(separator: "\n")
    }

    /// `5s`, `3m20s`, `2h5m`, `4d3h`; a value from the report that is no number of seconds
    /// (NaN, huge) is shown as it is, not trapped on.
    static func duration(_ seconds: Double) -> String {
        guard let whole = Int(exactly: seconds.rounded(.towardZero)) else { return "\(seconds)s" }
        if whole < 60 { return "\(whole)s" }
        if whole < 3600 { return "\(whole / 60)m\(whole % 60)s" }
        if whole < 86_400 { return "\(whole / 3600)h\(whole % 3600 / 60)m" }
        return "\(whole / 86_400)d\(whole % 86_400 / 3600)h"
    }
}

extension String {
    func replacingPrefix(_ prefix: String, with replacement: String) -> String {
        hasPrefix(prefix) ? replacement + dropFirst(prefix.count) : self
    }

    func trimmingTrailingSpaces() -> String {
        String(reversed().drop { $0 == " " }.reversed())
    }
}
