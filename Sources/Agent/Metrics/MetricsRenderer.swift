import Config
import ControlProtocol
import Node
import VRRP

/// The node's typed view (`NodeMetrics`) as Prometheus text, written afresh for each scrape:
/// metric names as the most used keepalived exporter (mehdy/keepalived-exporter) has them, so
/// existing Grafana dashboards and alert rules work unchanged, plus `vipkeeper_*` series.
/// Nothing is kept between renderings: an instance or check a reload removed is simply not in
/// the next text, and counters are the node's own counts.
enum MetricsRenderer {
    /// keepalived's numbers for the states (keepalived-exporter `keepalived_vrrp_state`).
    static func stateNumber(_ state: RouterState) -> Double {
        switch state {
        case .initialize: return 0
        case .backup: return 1
        case .master: return 2
        case .fault: return 3
        }
    }

    /// The drill's result as `vipkeeper_last_drill_result` gives it.
    static func drillNumber(_ result: DrillReport.Result) -> Double {
        switch result {
        case .passed: return 1
        case .failed: return 0
        case .running: return -1
        }
    }

    /// The keepalived counter of each §7.1 drop → the exporter's metric.
    static let dropMetrics: [(counter: DropCounter, metric: String, help: String)] = [
        (.packetLength, "keepalived_packet_length_errors_total", "Packets with a length or checksum error."),
        (.advertInterval, "keepalived_advertisements_interval_errors_total", "Adverts with another advertisement interval."),
        (.ipTTL, "keepalived_ip_ttl_errors_total", "Packets with an IP TTL other than 255 (multicast), or outside a unicast peer's min_ttl/max_ttl."),
        (.invalidType, "keepalived_invalid_type_received_total", "Packets of an unknown VRRP version or type."),
        (.addressList, "keepalived_address_list_errors_total", "Adverts with another address list."),
        (.invalidAuthType, "keepalived_authentication_invalid_total", "Adverts with an undefined auth type."),
        (.authTypeMismatch, "keepalived_authentication_mismatch_total", "Adverts with another auth type."),
        (.authFailure, "keepalived_authentication_failure_total", "Adverts whose password does not match."),
    ]

    /// A virtual address as keepalived (≥ 2.1) writes it in its data dump and the exporter
    /// copies into `ip_address`: a host address (/32, /128) bare, any other with its prefix.
    static func addressLabel(_ address: VirtualAddress) -> String {
        address.prefixLength == address.address.maximumPrefixLength ? address.address.description : address.description
    }

    /// The text exposition format (0.0.4) of `node` (`wallClock`: seconds since the epoch at
    /// the instant the view was taken, for the transition timestamps; `process`: this
    /// process's `process_*` series, left out when nil).
    static func render(_ node: NodeMetrics, version: String, wallClock: Double, process: ProcessMetrics? = nil) -> String {
        var out = Exposition()
        out.gauge("vipkeeper_build_info", [("version", version)], help: "vipkeeper's version (always 1).", 1)
        // Always 1: the daemon serves its own metrics, so a dead daemon is a failed scrape
        // (`up == 0`, or `absent(vipkeeper_build_info)`), not a 0 here (README, "Metrics").
        out.gauge("keepalived_up", help: "Whether the VRRP daemon is up (always 1 while it answers).", 1)
        for instance in node.instances {
            let labels = [("iname", instance.name), ("intf", instance.interface.name), ("vrid", "\(instance.virtualRouterID)")]
            let state = stateNumber(instance.state)
            // As the exporter writes them: one series per address, `intf` the address's own
            // device; an instance without addresses still has one, with `ip_address=""`.
            let stateHelp = "State of the instance: 0 INIT, 1 BACKUP, 2 MASTER, 3 FAULT."
            for binding in instance.virtualAddresses {
                out.gauge("keepalived_vrrp_state", addressLabels(instance, binding), help: stateHelp, state)
            }
            if instance.virtualAddresses.isEmpty {
                out.gauge("keepalived_vrrp_state", labels + [("ip_address", "")], help: stateHelp, state)
            }
            for binding in instance.excludedAddresses {
                out.gauge("keepalived_vrrp_excluded_state", addressLabels(instance, binding),
                          help: "State of the instance, per virtual_ipaddress_excluded address.", state)
            }
            out.counter("keepalived_gratuitous_arp_delay_total", labels,
                        help: "garp_master_delay: seconds after becoming Master before the second gratuitous ARP burst.",
                        Int(instance.gratuitousARPDelay.components.seconds))
            let counts = instance.counters
            out.counter("keepalived_advertisements_received_total", labels, help: "Adverts received.", counts.advertisementsReceived)
            out.counter("keepalived_advertisements_sent_total", labels, help: "Adverts sent.", counts.advertisementsSent)
            out.counter("keepalived_become_master_total", labels, help: "Times the instance became MASTER.", counts.becameMaster)
            out.counter("keepalived_release_master_total", labels, help: "Times the instance left MASTER.", counts.releasedMaster)
            out.counter("keepalived_priority_zero_received_total", labels, help: "Priority-0 adverts received (a Master resigning).",
                        counts.priorityZeroReceived)
            out.counter("keepalived_priority_zero_sent_total", labels, help: "Priority-0 adverts sent.", counts.priorityZeroSent)
            for drop in dropMetrics {
                out.counter(drop.metric, labels, help: drop.help, counts.drops[drop.counter] ?? 0)
            }
            out.gauge("vipkeeper_priority", labels, help: "Effective priority (base plus tracker weights).", Double(instance.priority))
            out.gauge("vipkeeper_base_priority", labels, help: "Configured priority.", Double(instance.basePriority))
            out.gauge("vipkeeper_holds_virtual_addresses", labels, help: "1 when every virtual address of the instance is on its device.",
                      instance.holdsEveryAddress ? 1 : 0)
            out.gauge("vipkeeper_maintenance", labels, help: "1 while the instance is in maintenance.", instance.inMaintenance ? 1 : 0)
            if let last = instance.lastTransition {
                out.gauge("vipkeeper_last_transition_timestamp_seconds", labels, help: "When the instance last changed state (Unix time).",
                          wallClock - last.ago.secondsValue)
                // One series per reason, 1 for the last one: a bounded set, stable under flapping.
                for kind in TransitionReason.Kind.allCases {
                    out.gauge("vipkeeper_last_transition_cause", labels + [("cause", kind.rawValue)],
                              help: "1 for the reason of the instance's last change of state (see `vipkeeper history` for its cause chain).",
                              last.reason.kind == kind ? 1 : 0)
                }
            }
            out.counter("vipkeeper_split_brain_adverts_total", labels, help: "Adverts from another Master heard while Master.",
                        counts.otherMasterAdverts)
            out.counter("vipkeeper_virtual_addresses_restored_total", labels, help: "Virtual addresses put back after someone else deleted them.",
                        counts.addressesRestored)
            out.counter("vipkeeper_send_errors_total", labels, help: "Adverts the kernel refused to send.", counts.sendErrors)
            for (outcome, count) in [("took_over", counts.handoversTakenOver), ("timed_out", counts.handoversTimedOut), ("abandoned", counts.handoversAbandoned)] {
                out.counter("vipkeeper_handovers_total", labels + [("outcome", outcome)],
                            help: "Make-before-break releases: the new Master announced itself (took_over), nobody did within the window (timed_out), a fault or a second stop ended the wait (abandoned).",
                            count)
            }
            if let wait = instance.lastHandoverWait {
                out.gauge("vipkeeper_last_handover_wait_seconds", labels,
                          help: "The last make-before-break release: priority-0 advert to the release (the new Master announced itself, or the window's end).",
                          wait.secondsValue)
            }
        }
        for check in node.checks {
            out.gauge("keepalived_script_status", [("name", check.name)], help: "Check result: 1 good, 0 bad.", check.isUp ? 1 : 0)
        }
        for check in node.checks {
            out.gauge("keepalived_script_state", [("name", check.name)], help: "Check run: 0 idle, 1 running.", check.isRunning ? 1 : 0)
        }
        for check in node.checks {
            out.histogram("vipkeeper_check_duration_seconds", [("name", check.name)], help: "Duration of check runs.", check.durations)
        }
        if let mail = node.mail {
            out.counter("vipkeeper_mail_alerts_total", help: "E-mail alerts asked for (smtp_alert).", mail.queued)
            out.counter("vipkeeper_mail_alerts_sent_total", help: "E-mail alerts the SMTP server accepted.", mail.sent)
            out.counter("vipkeeper_mail_alerts_failed_total", help: "E-mail alerts not sent: server refused, timed out or unreachable.", mail.failed)
            out.counter("vipkeeper_mail_alerts_dropped_total", help: "E-mail alerts dropped because the queue was full.", mail.dropped)
        }
        if let drill = node.lastDrill {
            out.gauge("vipkeeper_last_drill_result", [("target", drill.target)], help: "The last drill: 1 passed, 0 failed, -1 running.",
                      drillNumber(drill.result))
            if let handover = drill.handover {
                out.gauge("vipkeeper_last_drill_handover_seconds", [("target", drill.target)],
                          help: "The last drill: priority-0 advert to the new Master's first advert.", handover.secondsValue)
            }
            if let overlap = drill.overlapSeconds {
                out.gauge("vipkeeper_last_drill_overlap_seconds", [("target", drill.target)],
                          help: "The last drill: the new Master's first advert to this node's VIPs gone (both held them; negative: nobody did).", overlap)
            }
            if let gap = drill.gapSeconds {
                out.gauge("vipkeeper_last_drill_gap_seconds", [("target", drill.target)],
                          help: "The last drill: this node's VIPs gone to the new Master's gratuitous ARP heard, when that came later.", gap)
            }
        }
        if let process {
            out.counter("process_cpu_seconds_total", help: "Total user and system CPU time spent in seconds.", process.cpuSeconds)
            out.gauge("process_open_fds", help: "Number of open file descriptors.", Double(process.openDescriptors))
            out.gauge("process_max_fds", help: "Maximum number of open file descriptors.", Double(process.maximumDescriptors))
            out.gauge("process_virtual_memory_bytes", help: "Virtual memory size in bytes.", Double(process.virtualBytes))
            out.gauge("process_resident_memory_bytes", help: "Resident memory size in bytes.", Double(process.residentBytes))
            out.gauge("process_start_time_seconds", help: "Start time of the process since unix epoch in seconds.", process.startTime)
        }
        return out.text
    }

    /// `keepalived_vrrp_state`'s labels for one address.
    private static func addressLabels(_ instance: InstanceMetrics, _ binding: VirtualAddressBinding) -> [(String, String)] {
        [("iname", instance.name), ("intf", binding.device.name), ("vrid", "\(instance.virtualRouterID)"),
         ("ip_address", addressLabel(binding.address))]
    }
}
