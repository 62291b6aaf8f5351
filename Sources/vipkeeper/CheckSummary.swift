import Agent
import Config
import VRRP

/// The human summary `vipkeeper check` prints after the diagnostics.
struct CheckSummary {
    let path: String
    let result: ConfigurationLoader.Result
    /// Whether the config-id is the node name's (no `--config-id`).
    var configIDIsDefault = true

    var text: String {
        guard let configuration = result.configuration else {
            return (["\(path): \(count(result.errors, "error"))\(result.warnings > 0 ? ", \(count(result.warnings, "warning"))" : ""); not valid"]
                + conditionalLines).joined(separator: "\n")
        }
        var lines = ["\(path): valid\(result.warnings > 0 ? " with \(count(result.warnings, "warning"))" : "")"] + conditionalLines
        for instance in configuration.instances {
            let vips = instance.virtualAddresses.map(\.description).joined(separator: ", ")
            let transport = instance.usesUnicast
                ? "unicast to \(instance.unicastPeers.map(\.description).joined(separator: ", "))"
                : "multicast \(configuration.multicastGroup(for: instance))"
            let tracking = instance.trackedChecks.map(\.name) + instance.trackedInterfaces.map { "if:\($0.name)" }
            lines.append("  vrrp_instance \(instance.name): VRID \(instance.virtualRouterID ?? 0) on \(instance.interface ?? "-"), "
                + "\(instance.resolvedVersion) \(instance.family) every \(instance.advertisementInterval), "
                + "priority \(instance.priority), \(instance.preempt ? "preempt" : "nopreempt")\(instance.dropsTrafficToAddresses ? ", no_accept" : ""), \(transport), \(vips.isEmpty ? "no VIPs" : "VIPs \(vips)")"
                + (tracking.isEmpty ? "" : ", tracks \(tracking.joined(separator: ", "))")
                + (instance.virtualMAC.map { vmac in
                    let mac = VirtualMACSetting.hardwareAddress(virtualRouterID: instance.virtualRouterID ?? 0, family: instance.family)
                        .map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined(separator: ":")
                    return ", use_vmac \(vmac.interfaceName ?? "-") (macvlan \(mac), VIPs on it, adverts \(vmac.sendsOnBase ? "on \(instance.interface ?? "-") (vmac_xmit_base)" : "on it"))"
                } ?? ""))
        }
        for group in configuration.syncGroups {
            var tracking: [String] = group.trackedChecks.map(\.name)
            tracking += group.trackedFiles.map { "file:\($0.name)" }
            tracking += group.trackedProcesses.map { "process:\($0.name)" }
            tracking += group.trackedInterfaces.map { "if:\($0.name)" }
            lines.append("  vrrp_sync_group \(group.name): \(group.members.joined(separator: ", "))"
                + (tracking.isEmpty ? "" : ", every member tracks \(tracking.joined(separator: ", "))"))
        }
        for instance in configuration.instances where !instance.routing.isEmpty {
            lines.append("  vrrp_instance \(instance.name) as Master, after its VIPs: " + instance.routing.map(\.description).joined(separator: "; "))
        }
        if !configuration.staticRouting.isEmpty {
            lines.append("  static, from start to stop: " + configuration.staticRouting.map(\.description).joined(separator: "; "))
        }
        for script in configuration.scripts {
            lines.append("  vrrp_script \(script.name): \(script.command?.text ?? "") every \(seconds(script.schedule.interval)), weight \(script.schedule.weight.weight)")
        }
        for check in configuration.httpChecks {
            lines.append("  vrrp_http_check \(check.name): \(check.method) \(check.url?.description ?? "") every \(seconds(check.schedule.interval)), weight \(check.schedule.weight.weight)")
        }
        if let mail = mailLine(configuration) { lines.append(mail) }
        return (lines + migration(configuration)).joined(separator: "\n")
    }

    /// For a migrated keepalived.conf: what vipkeeper does differently from keepalived with
    /// this file, and what it ignores — nothing silently.
    private func migration(_ configuration: Configuration) -> [String] {
        var lines: [String] = []
        if configuration.globals.higherPrioritySendAdvert && !configuration.instances.isEmpty {
            lines.append("  deviation: a Master that yields sends one more advert first (vrrp_higher_prio_send_advert is on by default in vipkeeper, off in keepalived; `vrrp_higher_prio_send_advert false` turns it off)")
        }
        for script in configuration.scripts where script.command?.needsShell == true {
            lines.append("  deviation: vrrp_script \(script.name) has shell syntax (`\(script.command?.text ?? "")`): vipkeeper runs it with /bin/sh -c; keepalived runs the first word as the program and passes the rest, `|` and quotes included, as its arguments")
        }
        for instance in configuration.instances where instance.fastPreempt {
            lines.append("  deviation: vrrp_instance \(instance.name) uses fast_preempt (vipkeeper's): it takes over from a lower-priority Master at once")
        }
        for group in configuration.syncGroups where !group.trackingWeight {
            let weighted = group.members.compactMap { name in configuration.instances.first { $0.name == name } }.flatMap { instance in
                configuration.trackerSet(for: instance).entries.filter { !$0.isSyncGroupShared && $0.weight.weight != 0 }.map { "\(instance.name): \($0.object)" }
            }
            if !weighted.isEmpty {
                lines.append("  deviation: vrrp_sync_group \(group.name): keepalived drops the weighted trackers of a sync group's members (\(weighted.joined(separator: ", "))) unless the group sets `sync_group_tracking_weight`; vipkeeper applies them, summed over the members")
            }
        }
        let dropping = configuration.instances.filter(\.dropsTrafficToAddresses).map(\.name)
        if !dropping.isEmpty {
            let why = configuration.globals.strict ? "`no_accept`, or `vrrp_strict` without `accept`" : "`no_accept`"
            lines.append("  no_accept: as Master, \(dropping.joined(separator: ", ")) drop\(dropping.count == 1 ? "s" : "") every packet addressed to \(dropping.count == 1 ? "its" : "their") virtual addresses (\(why); RFC 5798 §6.4.3), with the nftables table inet \(DropRules.table), as keepalived does with its own table; add `accept` to serve on them")
            if !DropRules.isAvailable {
                lines.append("  WARNING: libnftables is not installed on this node: the drop rules will fail until Debian's libnftables1 (nftables) is installed")
            }
        }
        let routing = configuration.instances.flatMap(\.routing) + configuration.staticRouting
        if !routing.isEmpty {
            lines.append("  deviation: routes and rules are tagged proto keepalived (18) as keepalived tags them; one deleted by someone else while installed is put back at once (static ones as keepalived reinstates them; an instance's as vipkeeper puts back a VIP) and never moves the instance out of MASTER, which keepalived does without `no_track`")
        }
        let ignored = result.ignoredKeywords
        if !ignored.isEmpty {
            lines.append("  ignored (keepalived features vipkeeper does not implement): " + ignored.map { $0.count == 1 ? $0.keyword : "\($0.keyword) ×\($0.count)" }.joined(separator: ", "))
        } else {
            lines.append("  ignored: nothing; every keyword of the file is implemented")
        }
        return lines
    }

    /// keepalived's e-mail alerts: to whom, through which server, for which instances and groups.
    private func mailLine(_ configuration: Configuration) -> String? {
        let mail = configuration.globals.mail
        let alerting = configuration.instances.filter { mail.alerts(own: $0.smtpAlert) }.map(\.name)
            + configuration.syncGroups.filter { mail.alerts(own: $0.smtpAlert) }.map { "group \($0.name)" }
        guard !alerting.isEmpty || mail.server != nil || !mail.recipients.isEmpty else { return nil }
        guard let server = mail.server, !mail.recipients.isEmpty else {
            return "  mail alerts: off (no \(mail.server == nil ? "smtp_server" : "notification_email"); keepalived sends none either)"
        }
        let timeout = (mail.connectTimeout ?? MailDefinition.defaultConnectTimeout).formattedSeconds
        let who = alerting.isEmpty ? "no instance has smtp_alert on" : "on state changes of \(alerting.joined(separator: ", "))"
        return "  mail alerts: \(who), to \(mail.recipients.joined(separator: ", ")) through smtp://\(server) (connect timeout \(timeout)s)"
            + (mail.noEmailFaults ? ", not for FAULT (no_email_faults)" : "")
    }

    /// Which conditional lines were read: they depend on the machine `check` runs on.
    private var conditionalLines: [String] {
        let lines = result.conditionalLines
        guard lines.total > 0 else { return [] }
        let source = configIDIsDefault ? "this node's name; --config-id ID reads the file as node ID reads it" : "--config-id"
        return ["  config-id `\(result.configID)` (\(source)): \(count(lines.applied, "conditional line")) read, \(lines.skipped) skipped"]
    }

    private func seconds(_ duration: Duration) -> String {
        duration.formattedSeconds + "s"
    }

    private func count(_ value: Int, _ noun: String) -> String {
        "\(value) \(noun)\(value == 1 ? "" : "s")"
    }
}
