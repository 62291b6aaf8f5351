import Config
import Glibc
import ControlProtocol
import Node
import Testing
import VRRP
@testable import Agent

private let eth0 = Device(name: "eth0", index: 2, hardwareAddress: [0x02, 0, 0, 0, 0, 0x01])

/// A virtual address `address/prefix` on `device`.
private func vip(_ address: String, _ prefix: Int, on device: Device = eth0) -> VirtualAddressBinding {
    var virtual = VirtualAddress(address: IPAddress(address)!, location: .unplaced)
    virtual.prefixLength = prefix
    return VirtualAddressBinding(address: virtual, device: device)
}

private func instance(_ name: String, vrid: UInt8, state: RouterState, addresses: [VirtualAddressBinding],
                      counters: InstanceCounters = InstanceCounters(), lastTransition: InstanceMetrics.LastTransition? = nil,
                      inMaintenance: Bool = false) -> InstanceMetrics {
    InstanceMetrics(name: name, interface: eth0, virtualRouterID: vrid, state: state, priority: 90, basePriority: 100,
                    virtualAddresses: addresses, holdsEveryAddress: state == .master, inMaintenance: inMaintenance,
                    lastTransition: lastTransition, counters: counters)
}

private func render(_ node: NodeMetrics, wallClock: Double = 1_000) -> String {
    MetricsRenderer.render(node, version: "1.0-test", wallClock: wallClock)
}

/// The exposition's sample lines (comments left out).
private func samples(_ text: String) -> [String] {
    text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") }
}

@Suite("metrics rendered from the node's typed view")
struct MetricsRendererTests {
    @Test("every state has keepalived's number, one series per address: a host address bare, others with their prefix, intf the address's device")
    func states() {
        let snapshot = NodeMetrics(instances: [
            instance("VI_INIT", vrid: 10, state: .initialize, addresses: [vip("10.0.0.10", 24)]),
            instance("VI_BACKUP", vrid: 11, state: .backup, addresses: [vip("10.0.0.11", 24)]),
            instance("VI_MASTER", vrid: 12, state: .master,
                     addresses: [vip("10.0.0.12", 24), vip("fd00::12", 64, on: Device(name: "eth1", index: 3, hardwareAddress: []))]),
            instance("VI_FAULT", vrid: 13, state: .fault, addresses: [vip("10.0.0.13", 32)]),
        ], checks: [], lastDrill: nil)
        let lines = Set(samples(render(snapshot)))
        for expected in [
            #"keepalived_vrrp_state{iname="VI_INIT",intf="eth0",vrid="10",ip_address="10.0.0.10/24"} 0.0"#,
            #"keepalived_vrrp_state{iname="VI_BACKUP",intf="eth0",vrid="11",ip_address="10.0.0.11/24"} 1.0"#,
            #"keepalived_vrrp_state{iname="VI_MASTER",intf="eth0",vrid="12",ip_address="10.0.0.12/24"} 2.0"#,
            #"keepalived_vrrp_state{iname="VI_MASTER",intf="eth1",vrid="12",ip_address="fd00::12/64"} 2.0"#,
            #"keepalived_vrrp_state{iname="VI_FAULT",intf="eth0",vrid="13",ip_address="10.0.0.13"} 3.0"#,
            #"keepalived_up 1.0"#,
            #"vipkeeper_build_info{version="1.0-test"} 1.0"#,
        ] {
            let found = lines.contains(expected)  // a Bool: a failure names the line, not the whole exposition
            #expect(found, "missing: \(expected)")
        }
        #expect(lines.filter { $0.hasPrefix("keepalived_vrrp_state{") }.count == 5, "one series per virtual address")
        #expect(!lines.contains { $0.contains(" dev ") || $0.contains("/32") }, "a device or a host prefix in a label")

        var next = snapshot
        next.instances[1].state = .master
        let moved = Set(samples(render(next)))
        #expect(moved.contains(#"keepalived_vrrp_state{iname="VI_BACKUP",intf="eth0",vrid="11",ip_address="10.0.0.11/24"} 2.0"#))
        #expect(!moved.contains(#"keepalived_vrrp_state{iname="VI_BACKUP",intf="eth0",vrid="11",ip_address="10.0.0.11/24"} 1.0"#))
    }

    @Test("one family: HELP and TYPE once, then its samples together, in the exact text format")
    func exactFamily() throws {
        let snapshot = NodeMetrics(instances: [
            instance("VI_1", vrid: 51, state: .master, addresses: [vip("10.0.0.1", 24), vip("10.0.0.2", 24)]),
            instance("VI_2", vrid: 52, state: .backup, addresses: [vip("10.0.0.3", 24)]),
        ], checks: [], lastDrill: nil)
        let text = render(snapshot)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(text.hasSuffix("\n") && lines.last == "", "the text does not end in one line feed")
        let start = try #require(lines.firstIndex(of: "# HELP keepalived_vrrp_state State of the instance: 0 INIT, 1 BACKUP, 2 MASTER, 3 FAULT."))
        #expect(Array(lines[start..<min(start + 5, lines.count)]) == [
            "# HELP keepalived_vrrp_state State of the instance: 0 INIT, 1 BACKUP, 2 MASTER, 3 FAULT.",
            "# TYPE keepalived_vrrp_state gauge",
            #"keepalived_vrrp_state{iname="VI_1",intf="eth0",vrid="51",ip_address="10.0.0.1/24"} 2.0"#,
            #"keepalived_vrrp_state{iname="VI_1",intf="eth0",vrid="51",ip_address="10.0.0.2/24"} 2.0"#,
            #"keepalived_vrrp_state{iname="VI_2",intf="eth0",vrid="52",ip_address="10.0.0.3/24"} 1.0"#,
        ])
        // Every family is announced once, and all its samples follow its TYPE line without another family between.
        var seen: Set<String> = []
        var current = ""
        for line in lines where !line.isEmpty {
            if line.hasPrefix("# TYPE ") {
                let name = String(line.split(separator: " ")[2])
                #expect(seen.insert(name).inserted, "\(name) announced twice")
                current = name
            } else if line.hasPrefix("# HELP ") {
                let name = String(line.split(separator: " ")[2])
                #expect(!seen.contains(name), "HELP of \(name) after its TYPE")
            } else {
                let name = String(line.prefix { $0 != "{" && $0 != " " })
                let family = ["_bucket", "_sum", "_count"].reduce(name) { name, suffix in
                    current.hasSuffix(suffix) || !name.hasSuffix(suffix) ? name : String(name.dropLast(suffix.count))
                }
                #expect(family == current, "\(line) is outside its family \(family)")
            }
        }
        #expect(seen.contains("keepalived_advertisements_sent_total") && seen.contains("vipkeeper_priority"))
    }

    @Test("counters, drops by DropCounter, priorities, flags, the transition time, checks and the drill")
    func countersAndGauges() {
        var counters = InstanceCounters()
        counters.advertisementsSent = 7
        counters.advertisementsReceived = 5
        counters.becameMaster = 2
        counters.releasedMaster = 1
        counters.priorityZeroReceived = 8
        counters.priorityZeroSent = 9
        counters.otherMasterAdverts = 4
        counters.addressesRestored = 11
        counters.sendErrors = 12
        counters.drops = [.authFailure: 3, .ipTTL: 6, .unknownVirtualRouter: 9]
        let master = instance("VI_1", vrid: 51, state: .master, addresses: [vip("10.0.0.66", 24)], counters: counters,
                              lastTransition: .init(from: .backup, to: .master, reason: .masterDown, ago: .milliseconds(2_500)),
                              inMaintenance: true)
        let text = render(NodeMetrics(instances: [master],
                                      checks: [CheckMetrics(name: "chk_up", isUp: true), CheckMetrics(name: "chk_down", isUp: false)],
                                      lastDrill: DrillMetrics(target: "VI_1", result: .running, handover: .milliseconds(1_500))))
        let lines = Set(samples(text))
        let labels = #"{iname="VI_1",intf="eth0",vrid="51"}"#
        for expected in [
            "keepalived_advertisements_sent_total\(labels) 7",
            "keepalived_advertisements_received_total\(labels) 5",
            "keepalived_become_master_total\(labels) 2",
            "keepalived_release_master_total\(labels) 1",
            "keepalived_priority_zero_received_total\(labels) 8",
            "keepalived_priority_zero_sent_total\(labels) 9",
            "keepalived_authentication_failure_total\(labels) 3",
            "keepalived_ip_ttl_errors_total\(labels) 6",
            "keepalived_packet_length_errors_total\(labels) 0",
            "keepalived_advertisements_interval_errors_total\(labels) 0",
            "keepalived_invalid_type_received_total\(labels) 0",
            "keepalived_address_list_errors_total\(labels) 0",
            "keepalived_authentication_invalid_total\(labels) 0",
            "keepalived_authentication_mismatch_total\(labels) 0",
            "vipkeeper_split_brain_adverts_total\(labels) 4",
            "vipkeeper_virtual_addresses_restored_total\(labels) 11",
            "vipkeeper_send_errors_total\(labels) 12",
            "vipkeeper_priority\(labels) 90.0",
            "vipkeeper_base_priority\(labels) 100.0",
            "vipkeeper_holds_virtual_addresses\(labels) 1.0",
            "vipkeeper_maintenance\(labels) 1.0",
            "vipkeeper_last_transition_timestamp_seconds\(labels) 997.5",
            #"vipkeeper_last_transition_cause{iname="VI_1",intf="eth0",vrid="51",cause="master_down"} 1.0"#,
            #"vipkeeper_last_transition_cause{iname="VI_1",intf="eth0",vrid="51",cause="higher_priority"} 0.0"#,
            #"keepalived_script_status{name="chk_up"} 1.0"#,
            #"keepalived_script_status{name="chk_down"} 0.0"#,
            #"vipkeeper_last_drill_result{target="VI_1"} -1.0"#,
            #"vipkeeper_last_drill_handover_seconds{target="VI_1"} 1.5"#,
        ] {
            let found = lines.contains(expected)  // a Bool: a failure names the line, not the whole exposition
            #expect(found, "missing: \(expected)")
        }
        #expect(!lines.contains { $0.contains("unknown_vrid") }, "a drop with no keepalived-exporter metric got a series")
        // The cause is a bounded enum: one series per reason kind, exactly one of them 1.
        let causes = lines.filter { $0.hasPrefix("vipkeeper_last_transition_cause{") }
        #expect(causes.count == TransitionReason.Kind.allCases.count)
        #expect(causes.filter { $0.hasSuffix(" 1.0") }.count == 1)
        for (name, type) in [("keepalived_advertisements_sent_total", "counter"), ("keepalived_vrrp_state", "gauge"),
                             ("vipkeeper_check_duration_seconds", "histogram"), ("vipkeeper_last_drill_result", "gauge")] {
            let found = text.contains("\n# TYPE \(name) \(type)\n")
            #expect(found, "no TYPE \(type) line for \(name)")
        }
        #expect(text.contains("# HELP keepalived_advertisements_sent_total Adverts sent.\n"))

        // An instance that restarted (its counts began again) is rendered with the counts it has.
        var restarted = master
        restarted.counters = InstanceCounters()
        restarted.counters.drops = [.authFailure: 1]
        restarted.inMaintenance = false
        let after = Set(samples(render(NodeMetrics(instances: [restarted], checks: [],
                                                   lastDrill: DrillMetrics(target: "VI_1", result: .passed, handover: nil)))))
        #expect(after.contains("keepalived_authentication_failure_total\(labels) 1"))
        #expect(!after.contains("keepalived_authentication_failure_total\(labels) 3"))
        #expect(after.contains("vipkeeper_maintenance\(labels) 0.0"))
        #expect(after.contains(#"vipkeeper_last_drill_result{target="VI_1"} 1.0"#))
        #expect(!after.contains { $0.hasPrefix("vipkeeper_last_drill_handover_seconds") })
        #expect(MetricsRenderer.drillNumber(.failed) == 0)
    }

    @Test("a check's durations as a histogram: cumulative buckets with keepalived-exporter's bounds, +Inf, sum, count")
    func histogram() {
        var durations = DurationHistogram()
        durations.record(.milliseconds(3))
        durations.record(.milliseconds(120))
        durations.record(.seconds(12))
        let text = render(NodeMetrics(instances: [], checks: [CheckMetrics(name: "chk", isUp: true, durations: durations)], lastDrill: nil))
        let lines = text.split(separator: "\n").map(String.init)
        guard let start = lines.firstIndex(of: "# HELP vipkeeper_check_duration_seconds Duration of check runs.") else {
            Issue.record("no histogram in \(text)")
            return
        }
        #expect(Array(lines[start...].prefix(16)) == [
            "# HELP vipkeeper_check_duration_seconds Duration of check runs.",
            "# TYPE vipkeeper_check_duration_seconds histogram",
            #"vipkeeper_check_duration_seconds_bucket{name="chk",le="0.005"} 1"#,
            #"vipkeeper_check_duration_seconds_bucket{name="chk",le="0.01"} 1"#,
            #"vipkeeper_check_duration_seconds_bucket{name="chk",le="0.025"} 1"#,
            #"vipkeeper_check_duration_seconds_bucket{name="chk",le="0.05"} 1"#,
            #"vipkeeper_check_duration_seconds_bucket{name="chk",le="0.1"} 1"#,
            #"vipkeeper_check_duration_seconds_bucket{name="chk",le="0.25"} 2"#,
            #"vipkeeper_check_duration_seconds_bucket{name="chk",le="0.5"} 2"#,
            #"vipkeeper_check_duration_seconds_bucket{name="chk",le="1.0"} 2"#,
            #"vipkeeper_check_duration_seconds_bucket{name="chk",le="2.5"} 2"#,
            #"vipkeeper_check_duration_seconds_bucket{name="chk",le="5.0"} 2"#,
            #"vipkeeper_check_duration_seconds_bucket{name="chk",le="10.0"} 2"#,
            #"vipkeeper_check_duration_seconds_bucket{name="chk",le="+Inf"} 3"#,
            #"vipkeeper_check_duration_seconds_sum{name="chk"} 12.123"#,
            #"vipkeeper_check_duration_seconds_count{name="chk"} 3"#,
        ])
    }

    @Test("label values are escaped: backslash, double quote, line feed (also inside CR LF)")
    func escaping() {
        let text = render(NodeMetrics(instances: [], checks: [CheckMetrics(name: "a\\b\"c\nd\r\ne", isUp: true)], lastDrill: nil))
        let lines = Set(samples(text))
        let expected = #"keepalived_script_status{name="a\\b\"c\nd"# + "\r" + #"\ne"} 1.0"#
        #expect(lines.contains(expected), "\(lines.filter { $0.hasPrefix("keepalived_script_status") })")
        #expect(Exposition.escapeLabelValue("plain") == "plain")
        #expect(Exposition.escapeHelp("a\\b\nc") == #"a\\b\nc"#)
        #expect(Exposition.number(.nan) == "NaN" && Exposition.number(.infinity) == "+Inf" && Exposition.number(-.infinity) == "-Inf")
        #expect(Exposition.seconds(.milliseconds(2_500)) == "2.5" && Exposition.seconds(.seconds(10)) == "10.0"
                && Exposition.seconds(.nanoseconds(1)) == "0.000000001")
    }

    @Test("a removed instance or check is simply not in the next rendering")
    func removedSeriesAreGone() {
        var counters = InstanceCounters()
        counters.advertisementsSent = 3
        var durations = DurationHistogram()
        durations.record(.milliseconds(7))
        let both = NodeMetrics(instances: [
            instance("VI_KEEP", vrid: 51, state: .master, addresses: [vip("10.0.0.1", 24)], counters: counters),
            instance("VI_GONE", vrid: 52, state: .backup, addresses: [vip("10.0.0.2", 24)], counters: counters),
        ], checks: [CheckMetrics(name: "chk_keep", isUp: true, durations: durations),
                    CheckMetrics(name: "chk_gone", isUp: false, durations: durations)], lastDrill: nil)
        let before = samples(render(both))
        #expect(before.contains { $0.contains(#"iname="VI_GONE""#) }, "the instance to remove was not rendered at all")
        #expect(before.contains { $0.contains(#"name="chk_gone""#) }, "the check to remove was not rendered at all")

        var one = both
        one.instances.removeLast()
        one.checks.removeLast()
        let after = samples(render(one))
        #expect(!after.contains { $0.contains("VI_GONE") }, "a removed instance kept series: \(after.filter { $0.contains("VI_GONE") })")
        #expect(!after.contains { $0.contains("chk_gone") }, "a removed check kept series: \(after.filter { $0.contains("chk_gone") })")
        #expect(after.contains(#"keepalived_advertisements_sent_total{iname="VI_KEEP",intf="eth0",vrid="51"} 3"#))
        #expect(after.contains(#"vipkeeper_check_duration_seconds_count{name="chk_keep"} 1"#))

        // Nothing left: no family is announced without samples.
        let empty = render(NodeMetrics(instances: [], checks: [], lastDrill: nil))
        #expect(!empty.contains("keepalived_vrrp_state") && !empty.contains("vipkeeper_check_duration_seconds"))
        #expect(samples(empty).sorted() == [#"keepalived_up 1.0"#, #"vipkeeper_build_info{version="1.0-test"} 1.0"#])
    }

    @Test("mail alerts: asked for, sent, failed and dropped, as counters")
    func mail() {
        let mail = StatusReport.Mail(server: "10.250.98.1:25", recipients: 2, queued: 5, sent: 2, failed: 2, dropped: 1, lastError: "x")
        let lines = Set(samples(render(NodeMetrics(instances: [], checks: [], lastDrill: nil, mail: mail), wallClock: 0)))
        #expect(lines.isSuperset(of: ["vipkeeper_mail_alerts_total 5", "vipkeeper_mail_alerts_sent_total 2",
                                      "vipkeeper_mail_alerts_failed_total 2", "vipkeeper_mail_alerts_dropped_total 1"]), "\(lines)")
    }

    @Test("as the exporter: excluded addresses in keepalived_vrrp_excluded_state, an instance without addresses still has a state, host IPv6 bare")
    func excludedAndEmpty() {
        var withExcluded = instance("VI_1", vrid: 51, state: .master, addresses: [vip("10.0.0.1", 32)])
        withExcluded.excludedAddresses = [vip("fd00::1", 128), vip("10.0.1.1", 24, on: Device(name: "eth2", index: 4, hardwareAddress: []))]
        let empty = instance("VI_EMPTY", vrid: 52, state: .backup, addresses: [])
        let lines = Set(samples(render(NodeMetrics(instances: [withExcluded, empty], checks: [], lastDrill: nil))))
        for expected in [
            #"keepalived_vrrp_state{iname="VI_1",intf="eth0",vrid="51",ip_address="10.0.0.1"} 2.0"#,
            #"keepalived_vrrp_excluded_state{iname="VI_1",intf="eth0",vrid="51",ip_address="fd00::1"} 2.0"#,
            #"keepalived_vrrp_excluded_state{iname="VI_1",intf="eth2",vrid="51",ip_address="10.0.1.1/24"} 2.0"#,
            #"keepalived_vrrp_state{iname="VI_EMPTY",intf="eth0",vrid="52",ip_address=""} 1.0"#,
            #"keepalived_gratuitous_arp_delay_total{iname="VI_1",intf="eth0",vrid="51"} 5"#,
        ] {
            let found = lines.contains(expected)
            #expect(found, "missing: \(expected)")
        }
        #expect(lines.filter { $0.hasPrefix("keepalived_vrrp_state{") }.count == 2, "an excluded address counted as an advertised one")
    }

    @Test("keepalived_script_state: 1 while a run is in flight, 0 idle")
    func scriptState() {
        let lines = Set(samples(render(NodeMetrics(instances: [], checks: [CheckMetrics(name: "busy", isUp: true, isRunning: true),
                                                                           CheckMetrics(name: "idle", isUp: false)], lastDrill: nil))))
        #expect(lines.contains(#"keepalived_script_state{name="busy"} 1.0"#))
        #expect(lines.contains(#"keepalived_script_state{name="idle"} 0.0"#))
    }

    @Test("process_* as every Prometheus client writes them, from this process's /proc")
    func processSeries() throws {
        let process = try #require(ProcessMetrics.current(), "/proc/self unreadable")
        #expect(process.residentBytes > 1_000_000 && process.virtualBytes >= process.residentBytes)
        #expect(process.openDescriptors >= 3 && (process.maximumDescriptors == -1 || process.maximumDescriptors >= process.openDescriptors))
        #expect(process.cpuSeconds > 0)
        let now = Double(time(nil))
        #expect(process.startTime > now - 86_400 * 3 && process.startTime <= now + 1, "start time \(process.startTime), now \(now)")
        let text = MetricsRenderer.render(NodeMetrics(instances: [], checks: [], lastDrill: nil), version: "1", wallClock: now, process: process)
        for family in ["process_cpu_seconds_total counter", "process_open_fds gauge", "process_max_fds gauge",
                       "process_virtual_memory_bytes gauge", "process_resident_memory_bytes gauge", "process_start_time_seconds gauge"] {
            #expect(text.contains("# TYPE \(family)\n"), "missing \(family)")
        }
        #expect(text.contains("process_resident_memory_bytes \(Double(process.residentBytes))\n"))
    }

    @Test("a /proc/PID/stat name with spaces and parentheses does not shift the fields")
    func statFields() throws {
        let fields = try #require(ProcessMetrics.fieldsAfterName(Array("42 (a (b) c) S 1 2 3".utf8)))
        #expect(fields == ["S", "1", "2", "3"])
    }
}
