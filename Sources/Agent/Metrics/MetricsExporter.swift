import ControlProtocol
import Node
import Prometheus
import VRRP

/// The daemon's state as Prometheus metrics, named as the most used keepalived exporter
/// (mehdy/keepalived-exporter) names them, so existing Grafana dashboards and alert rules work
/// unchanged, plus `vipkeeper_*` series. Fed on the event loop with the node's typed snapshot
/// (`Node.metricsSnapshot(now:)`) and check durations as they happen; rendered there into the
/// text the metrics listener serves, so a scrape never touches the node.
final class MetricsExporter {
    private let registry = PrometheusCollectorRegistry()
    private var counters: [String: (counter: Counter, value: Int64)] = [:]
    private var gauges: [String: Gauge] = [:]
    private var histograms: [String: DurationHistogram] = [:]

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

    init(version: String) {
        gauge("vipkeeper_build_info", [("version", version)], "vipkeeper's version (always 1).").set(to: 1)
    }

    /// Brings every series to `node` (`wallClock`: seconds since the epoch at the instant the
    /// snapshot was taken, for the transition timestamps).
    func update(_ node: NodeMetrics, wallClock: Double) {
        gauge("keepalived_up", [], "Whether the VRRP daemon is up (always 1 while it answers).").set(to: 1)
        for instance in node.instances {
            let labels = [("iname", instance.name), ("intf", instance.interface.name), ("vrid", "\(instance.virtualRouterID)")]
            for binding in instance.virtualAddresses {
                // `10.0.0.66/24`: the address and its prefix, without the device.
                gauge("keepalived_vrrp_state", labels + [("ip_address", binding.address.description)],
                      "State of the instance: 0 INIT, 1 BACKUP, 2 MASTER, 3 FAULT.")
                    .set(to: Self.stateNumber(instance.state))
            }
            let counts = instance.counters
            counter("keepalived_advertisements_received_total", labels, "Adverts received.", counts.advertisementsReceived)
            counter("keepalived_advertisements_sent_total", labels, "Adverts sent.", counts.advertisementsSent)
            counter("keepalived_become_master_total", labels, "Times the instance became MASTER.", counts.becameMaster)
            counter("keepalived_release_master_total", labels, "Times the instance left MASTER.", counts.releasedMaster)
            counter("keepalived_priority_zero_received_total", labels, "Priority-0 adverts received (a Master resigning).", counts.priorityZeroReceived)
            counter("keepalived_priority_zero_sent_total", labels, "Priority-0 adverts sent.", counts.priorityZeroSent)
            for drop in Self.dropMetrics {
                counter(drop.metric, labels, drop.help, counts.drops[drop.counter] ?? 0)
            }
            gauge("vipkeeper_priority", labels, "Effective priority (base plus tracker weights).").set(to: Double(instance.priority))
            gauge("vipkeeper_base_priority", labels, "Configured priority.").set(to: Double(instance.basePriority))
            gauge("vipkeeper_holds_virtual_addresses", labels, "1 when every virtual address of the instance is on its device.")
                .set(to: instance.holdsEveryAddress ? 1 : 0)
            gauge("vipkeeper_maintenance", labels, "1 while the instance is in maintenance.").set(to: instance.inMaintenance ? 1 : 0)
            if let last = instance.lastTransition {
                gauge("vipkeeper_last_transition_timestamp_seconds", labels, "When the instance last changed state (Unix time).")
                    .set(to: wallClock - last.ago.secondsValue)
            }
            counter("vipkeeper_split_brain_adverts_total", labels, "Adverts from another Master heard while Master.", counts.otherMasterAdverts)
            counter("vipkeeper_virtual_addresses_restored_total", labels, "Virtual addresses put back after someone else deleted them.",
                    counts.addressesRestored)
            counter("vipkeeper_send_errors_total", labels, "Adverts the kernel refused to send.", counts.sendErrors)
        }
        for check in node.checks {
            gauge("keepalived_script_status", [("name", check.name)], "Check result: 1 good, 0 bad.").set(to: check.isUp ? 1 : 0)
        }
        if let mail = node.mail {
            counter("vipkeeper_mail_alerts_total", [], "E-mail alerts asked for (smtp_alert).", mail.queued)
            counter("vipkeeper_mail_alerts_sent_total", [], "E-mail alerts the SMTP server accepted.", mail.sent)
            counter("vipkeeper_mail_alerts_failed_total", [], "E-mail alerts not sent: server refused, timed out or unreachable.", mail.failed)
            counter("vipkeeper_mail_alerts_dropped_total", [], "E-mail alerts dropped because the queue was full.", mail.dropped)
        }
        if let drill = node.lastDrill {
            gauge("vipkeeper_last_drill_result", [("target", drill.target)], "The last drill: 1 passed, 0 failed, -1 running.")
                .set(to: Self.drillNumber(drill.result))
            if let handover = drill.handover {
                gauge("vipkeeper_last_drill_handover_seconds", [("target", drill.target)], "The last drill: priority-0 advert to the new Master's first advert.")
                    .set(to: handover.secondsValue)
            }
        }
    }

    /// One check run's duration, as it happens.
    func observeCheck(_ name: String, duration: Duration) {
        let key = "vipkeeper_check_duration_seconds|\(name)"
        let histogram = histograms[key] ?? registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(metricName: "vipkeeper_check_duration_seconds", unitName: "",
                                             helpText: "Duration of check runs."),
            labels: [("name", name)],
            buckets: [.milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
                      .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10)])
        histograms[key] = histogram
        histogram.record(duration)
    }

    /// The text exposition format.
    func render() -> String {
        registry.emitToString()
    }

    private func gauge(_ name: String, _ labels: [(String, String)], _ help: String) -> Gauge {
        let key = name + "|" + labels.map { "\($0.0)=\($0.1)" }.joined(separator: ",")
        if let gauge = gauges[key] { return gauge }
        let gauge = registry.makeGauge(descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: help), labels: labels)
        gauges[key] = gauge
        return gauge
    }

    /// Brings a counter to `value`: counters only go up, so an instance that restarted (its
    /// counts began again) gets a fresh series.
    private func counter(_ name: String, _ labels: [(String, String)], _ help: String, _ value: Int) {
        let key = name + "|" + labels.map { "\($0.0)=\($0.1)" }.joined(separator: ",")
        let target = Int64(value)
        if let (counter, current) = counters[key] {
            if target >= current {
                if target > current { counter.increment(by: target - current) }
                counters[key] = (counter, target)
                return
            }
            registry.unregisterCounter(counter)
        }
        let counter = registry.makeCounter(descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: help), labels: labels)
        if target > 0 { counter.increment(by: target) }
        counters[key] = (counter, target)
    }
}
