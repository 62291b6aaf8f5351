import Config
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

/// The exposition's sample lines (comments left out).
private func samples(_ exporter: MetricsExporter) -> Set<String> {
    Set(exporter.render().split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") })
}

@Suite("metrics from the node's typed snapshot")
struct MetricsExporterTests {
    @Test("every state has keepalived's number, one series per address labelled address/prefix without its device")
    func states() {
        let exporter = MetricsExporter(version: "1.0-test")
        let snapshot = NodeMetrics(instances: [
            instance("VI_INIT", vrid: 10, state: .initialize, addresses: [vip("10.0.0.10", 24)]),
            instance("VI_BACKUP", vrid: 11, state: .backup, addresses: [vip("10.0.0.11", 24)]),
            instance("VI_MASTER", vrid: 12, state: .master,
                     addresses: [vip("10.0.0.12", 24), vip("fd00::12", 64, on: Device(name: "eth1", index: 3, hardwareAddress: []))]),
            instance("VI_FAULT", vrid: 13, state: .fault, addresses: [vip("10.0.0.13", 32)]),
        ], checks: [], lastDrill: nil)
        exporter.update(snapshot, wallClock: 1_000)
        let lines = samples(exporter)
        for expected in [
            #"keepalived_vrrp_state{iname="VI_INIT",intf="eth0",vrid="10",ip_address="10.0.0.10/24"} 0.0"#,
            #"keepalived_vrrp_state{iname="VI_BACKUP",intf="eth0",vrid="11",ip_address="10.0.0.11/24"} 1.0"#,
            #"keepalived_vrrp_state{iname="VI_MASTER",intf="eth0",vrid="12",ip_address="10.0.0.12/24"} 2.0"#,
            #"keepalived_vrrp_state{iname="VI_MASTER",intf="eth0",vrid="12",ip_address="fd00::12/64"} 2.0"#,
            #"keepalived_vrrp_state{iname="VI_FAULT",intf="eth0",vrid="13",ip_address="10.0.0.13/32"} 3.0"#,
            #"keepalived_up 1.0"#,
            #"vipkeeper_build_info{version="1.0-test"} 1.0"#,
        ] {
            let found = lines.contains(expected)  // a Bool: a failure names the line, not the whole exposition
            #expect(found, "missing: \(expected)")
        }
        #expect(lines.filter { $0.hasPrefix("keepalived_vrrp_state{") }.count == 5, "one series per virtual address")
        #expect(!lines.contains { $0.contains(" dev ") || $0.contains("eth1") }, "a device leaked into a label")

        // The next snapshot moves the series: BACKUP became MASTER.
        var next = snapshot
        next.instances[1].state = .master
        exporter.update(next, wallClock: 1_001)
        let moved = samples(exporter)
        #expect(moved.contains(#"keepalived_vrrp_state{iname="VI_BACKUP",intf="eth0",vrid="11",ip_address="10.0.0.11/24"} 2.0"#))
        #expect(!moved.contains(#"keepalived_vrrp_state{iname="VI_BACKUP",intf="eth0",vrid="11",ip_address="10.0.0.11/24"} 1.0"#))
    }

    @Test("counters, drops by DropCounter, priorities, flags, the transition time, checks and the drill")
    func countersAndGauges() {
        var counters = InstanceCounters()
        counters.advertisementsSent = 7
        counters.advertisementsReceived = 5
        counters.becameMaster = 2
        counters.releasedMaster = 1
        counters.otherMasterAdverts = 4
        counters.drops = [.authFailure: 3, .ipTTL: 6, .unknownVirtualRouter: 9]
        let master = instance("VI_1", vrid: 51, state: .master, addresses: [vip("10.0.0.66", 24)], counters: counters,
                              lastTransition: .init(from: .backup, to: .master, reason: .masterDown, ago: .milliseconds(2_500)),
                              inMaintenance: true)
        let exporter = MetricsExporter(version: "1.0-test")
        exporter.update(NodeMetrics(instances: [master],
                                    checks: [CheckMetrics(name: "chk_up", isUp: true), CheckMetrics(name: "chk_down", isUp: false)],
                                    lastDrill: DrillMetrics(target: "VI_1", result: .running, handover: .milliseconds(1_500))),
                        wallClock: 1_000)
        let lines = samples(exporter)
        let labels = #"{iname="VI_1",intf="eth0",vrid="51"}"#
        for expected in [
            "keepalived_advertisements_sent_total\(labels) 7",
            "keepalived_advertisements_received_total\(labels) 5",
            "keepalived_become_master_total\(labels) 2",
            "keepalived_release_master_total\(labels) 1",
            "keepalived_authentication_failure_total\(labels) 3",
            "keepalived_ip_ttl_errors_total\(labels) 6",
            "keepalived_packet_length_errors_total\(labels) 0",
            "keepalived_authentication_mismatch_total\(labels) 0",
            "vipkeeper_split_brain_adverts_total\(labels) 4",
            "vipkeeper_priority\(labels) 90.0",
            "vipkeeper_base_priority\(labels) 100.0",
            "vipkeeper_holds_virtual_addresses\(labels) 1.0",
            "vipkeeper_maintenance\(labels) 1.0",
            "vipkeeper_last_transition_timestamp_seconds\(labels) 997.5",
            #"keepalived_script_status{name="chk_up"} 1.0"#,
            #"keepalived_script_status{name="chk_down"} 0.0"#,
            #"vipkeeper_last_drill_result{target="VI_1"} -1.0"#,
            #"vipkeeper_last_drill_handover_seconds{target="VI_1"} 1.5"#,
        ] {
            let found = lines.contains(expected)  // a Bool: a failure names the line, not the whole exposition
            #expect(found, "missing: \(expected)")
        }
        #expect(!lines.contains { $0.contains("unknown_vrid") }, "a drop with no keepalived-exporter metric got a series")

        // A finished drill, and an instance that restarted (its counts began again) gets a fresh counter.
        var restarted = master
        restarted.counters = InstanceCounters()
        restarted.counters.drops = [.authFailure: 1]
        restarted.inMaintenance = false
        exporter.update(NodeMetrics(instances: [restarted], checks: [],
                                    lastDrill: DrillMetrics(target: "VI_1", result: .passed, handover: .milliseconds(1_500))),
                        wallClock: 1_001)
        let after = samples(exporter)
        #expect(after.contains("keepalived_authentication_failure_total\(labels) 1"))
        #expect(!after.contains("keepalived_authentication_failure_total\(labels) 3"))
        #expect(after.contains("vipkeeper_maintenance\(labels) 0.0"))
        #expect(after.contains(#"vipkeeper_last_drill_result{target="VI_1"} 1.0"#))
        #expect(MetricsExporter.drillNumber(.failed) == 0)
    }

    @Test("mail alerts: asked for, sent, failed and dropped, as counters")
    func mail() {
        let exporter = MetricsExporter(version: "1.0-test")
        let mail = StatusReport.Mail(server: "10.250.98.1:25", recipients: 2, queued: 5, sent: 2, failed: 2, dropped: 1, lastError: "x")
        exporter.update(NodeMetrics(instances: [], checks: [], lastDrill: nil, mail: mail), wallClock: 0)
        let lines = samples(exporter)
        #expect(lines.isSuperset(of: ["vipkeeper_mail_alerts_total 5", "vipkeeper_mail_alerts_sent_total 2",
                                      "vipkeeper_mail_alerts_failed_total 2", "vipkeeper_mail_alerts_dropped_total 1"]), "\(lines)")
    }
}
